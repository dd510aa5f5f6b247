import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('dependency patches (patches/, pnpm patchedDependencies)', () => {
  it('loading @solana/spl-token prints nothing: bigint-buffer no longer tries its unbuilt native addon', () => {
    // In a fresh process, from the package that depends on spl-token (what every `nosana` command loads).
    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "await import('@solana/spl-token')"],
      {
        cwd: join(import.meta.dirname, '../../chain'),
        encoding: 'utf8',
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('');
  });
});
