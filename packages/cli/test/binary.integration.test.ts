/** End-to-end runs of the built `nosana` binary for what only the whole program does: version, help, routing. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

describe('nosana (built binary)', () => {
  it('prints its version and help without touching the network', async () => {
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^@nosana\/cli\/\d+\.\d+\.\d+ /);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('job');
  });
});

describe('unknown commands (built binary)', () => {
  it('suggest the closest command and exit 1', async () => {
    const run = await runCli(['job', 'pots']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"job pots" is not a nosana command — did you mean "nosana job post"?');
    const json = await runCli(['job', 'pots', '--json']);
    expect(json.code).toBe(1);
    expect(json.json()).toMatchObject({ status: 'error', error: { code: 'CLI__UNKNOWN_COMMAND' } });
  });
});

describe('a dependency that warns at load (built binary)', () => {
  it('drops the unbuilt bigint-buffer addon warning of published installs, and no other warning', async () => {
    // What an unpatched bigint-buffer does when a command loads it: one console.warn, after the binary started.
    const dir = mkdtempSync(join(tmpdir(), 'nosana-warn-'));
    try {
      const preload = join(dir, 'warn.cjs');
      writeFileSync(
        preload,
        "setImmediate(() => { console.warn('bigint: Failed to load bindings, pure JS will be used (try npm run rebuild?)'); console.warn('another warning'); });\n",
      );
      const run = await runCli(['--help'], { env: { NODE_OPTIONS: `--require ${preload}` } });
      expect(run.code).toBe(0);
      expect(run.stderr).not.toContain('bigint: Failed to load bindings');
      expect(run.stderr).toContain('another warning');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
