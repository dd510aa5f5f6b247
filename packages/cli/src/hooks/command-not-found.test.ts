import type { Config } from '@oclif/core';
import { describe, expect, it, vi } from 'vitest';
import hook, { unknownCommandMessage } from './command-not-found.js';

const IDS = ['job:logs', 'job:post', 'job:get', 'job:list', 'market:list', 'address'];

describe('unknown commands', () => {
  it('suggest the closest command', () => {
    expect(unknownCommandMessage('job:pots', IDS)).toBe(
      '"job pots" is not a nosana command — did you mean "nosana job post"? (see nosana --help)',
    );
    expect(unknownCommandMessage('adress', IDS)).toContain('did you mean "nosana address"?');
    expect(unknownCommandMessage('deploy', IDS)).toBe('"deploy" is not a nosana command (see nosana --help)');
  });

  it('exit 1 (bad input), not 2 (the code of a failed job)', async () => {
    const context = {
      exit: (code: number) => {
        throw Object.assign(new Error('exit'), { oclif: { exit: code } });
      },
      log: () => undefined,
    };
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const config = { commandIDs: IDS } as unknown as Config;
    const error = await hook
      .call(context as never, { id: 'job:pots', argv: [], config, context: context as never })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ oclif: { exit: 1 } });
    expect(stderr).toHaveBeenCalledWith(expect.stringContaining('did you mean "nosana job post"?'));
  });

  it('print the JSON envelope with --json', async () => {
    const lines: string[] = [];
    const context = {
      exit: (code: number) => {
        throw Object.assign(new Error('exit'), { oclif: { exit: code } });
      },
      log: (line: string) => lines.push(line),
    };
    const config = { commandIDs: IDS } as unknown as Config;
    const error = await hook
      .call(context as never, { id: 'job:pots', argv: ['--json'], config, context: context as never })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ oclif: { exit: 1 } });
    expect(JSON.parse(lines[0]!)).toMatchObject({ status: 'error', error: { code: 'CLI__UNKNOWN_COMMAND' } });
  });
});
