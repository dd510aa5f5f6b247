/**
 * The start-up fast path (`--version`, `job validate` without oclif) prints exactly what the oclif commands print:
 * the same stdout, stderr and exit code, with and without `--json` and colors. NOSANA_CLI_FAST_PATH=0 sends the
 * same arguments through oclif.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const invalid = 'packages/core/test/fixtures/invalid';
const cases: Array<{ args: string[]; stdin?: string; env?: NodeJS.ProcessEnv }> = [
  { args: ['--version'] },
  { args: ['-v'] },
  { args: ['job', 'validate', 'examples/hello-world.json'] },
  { args: ['job', 'validate', 'examples/hello-world.yaml', '--json'] },
  { args: ['job', 'validate', 'examples/web-service.json', 'examples/vllm-gpu-service.json'] },
  { args: ['job', 'validate', `${invalid}/bad-ports.json`] },
  { args: ['job', 'validate', '--json', `${invalid}/bad-literals.json`] },
  { args: ['job', 'validate', 'examples/hello-world.json', `${invalid}/wrong-types.json`] },
  { args: ['job', 'validate', 'examples/hello-world.json', `${invalid}/unknown-properties.json`, '--json'] },
  { args: ['job', 'validate', 'examples/does-not-exist.json'] },
  { args: ['job', 'validate', 'examples/does-not-exist.json', '--json'] },
  { args: ['job', 'validate', '-'], stdin: '{"version":"0.1","type":"container","ops":[]}' },
  { args: ['job', 'validate', '-', '--json'], stdin: 'version: "0.1"\ntype: container\nops: [{' },
  // Colors: both paths decide with the same libraries.
  { args: ['job', 'validate', 'examples/hello-world.json'], env: { NO_COLOR: undefined, FORCE_COLOR: '1' } },
  {
    args: ['job', 'validate', `${invalid}/bad-volumes.json`],
    env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
  },
];

describe('the start-up fast path (built binary)', () => {
  it.each(cases)('prints what oclif prints for nosana $args', async ({ args, stdin, env }) => {
    const fast = await runCli(args, { ...(stdin === undefined ? {} : { stdin }), env: { ...env } });
    const oclif = await runCli(args, {
      ...(stdin === undefined ? {} : { stdin }),
      env: { ...env, NOSANA_CLI_FAST_PATH: '0' },
    });
    expect(fast.stdout.length + fast.stderr.length).toBeGreaterThan(0);
    expect({ code: fast.code, stdout: fast.stdout, stderr: fast.stderr }).toEqual({
      code: oclif.code,
      stdout: oclif.stdout,
      stderr: oclif.stderr,
    });
  });
});
