/** End-to-end runs of the built `nosana` binary for what only the whole program does: version, help, routing. */
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
