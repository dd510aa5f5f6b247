import { describe, expect, it } from 'vitest';
import { commandSurface, renderCliReference } from '../test/render-cli-reference.js';
import { sourceManifest } from '../test/source-manifest.js';

// Built from the command sources (the fields `oclif manifest` writes), so no build is needed.
const manifest = await sourceManifest();

describe('CLI surface', () => {
  it('matches the command snapshot (a diff here is a user-visible CLI change: review it, add a changeset)', async () => {
    await expect(`${JSON.stringify(commandSurface(manifest), null, 2)}\n`).toMatchFileSnapshot(
      '../test/command-snapshot.json',
    );
  });

  it('docs/cli.md is generated from the manifest (pinned)', async () => {
    await expect(renderCliReference(manifest)).toMatchFileSnapshot('../../../docs/cli.md');
  });

  it('every command has a summary, an example and --json', () => {
    for (const command of Object.values(manifest.commands)) {
      expect(command.summary, command.id).toBeTruthy();
      expect(command.examples?.length, command.id).toBeGreaterThan(0);
      expect(command.flags.json, command.id).toBeDefined();
    }
  });
});
