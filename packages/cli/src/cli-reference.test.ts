import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandSurface, type Manifest, renderCliReference } from '../test/render-cli-reference.js';

// The manifest is written by `pnpm build` (tsup + oclif manifest); turbo builds before running these tests.
const manifest = JSON.parse(
  readFileSync(join(import.meta.dirname, '../oclif.manifest.json'), 'utf8'),
) as Manifest;

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
