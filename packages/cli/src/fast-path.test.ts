import { describe, expect, it } from 'vitest';
import { type FastPathIo, runFastPath } from './fast-path.js';

const io = (env: NodeJS.ProcessEnv = {}) => {
  const out = { stdout: '', stderr: '' };
  const sink: FastPathIo = {
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
    env,
  };
  return { sink, out };
};

describe('runFastPath', () => {
  it('answers --version and -v with the user agent line', async () => {
    for (const flag of ['--version', '-v']) {
      const { sink, out } = io();
      expect(await runFastPath([flag], sink)).toBe(true);
      expect(out.stdout).toBe(
        `@nosana/cli/0.1.0 ${process.platform}-${process.arch} node-${process.version}\n`,
      );
    }
  });

  it.each([
    [['--help']],
    [['job', 'validate']],
    [['job', 'validate', '--help']],
    [['job', 'validate', 'a.json', '-h']],
    [['job', 'validate', '--', 'a.json']],
    [['job', 'post', 'a.json']],
    [['market', 'list', '--help']],
    [['market', 'get']],
    [['market', 'get', 'cpu', 'gpu']],
    [['market', 'list', '--network']],
    [['market', 'list', '--wallet', 'w.json']],
    [['market', 'sync']],
    [['job', 'get']],
    [['job', 'get', 'a', '--wait']],
    [['market', 'list', '--network', 'testnet']],
    [[]],
  ])('leaves %j to oclif without printing anything', async (argv) => {
    const { sink, out } = io();
    expect(await runFastPath(argv, sink)).toBe(false);
    expect(out).toEqual({ stdout: '', stderr: '' });
  });

  it('leaves everything to oclif with NOSANA_CLI_FAST_PATH=0 or DEBUG', async () => {
    for (const env of [{ NOSANA_CLI_FAST_PATH: '0' }, { DEBUG: '*' }]) {
      const { sink, out } = io(env);
      expect(await runFastPath(['--version'], sink)).toBe(false);
      expect(out.stdout).toBe('');
    }
  });
});
