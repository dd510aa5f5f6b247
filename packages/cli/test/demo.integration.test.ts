/** The README's first quick-start command, end to end through the `nosana` binary: `bash scripts/demo`. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './run-cli.js';

const run = (command: string, args: string[]) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(command, args, {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('close', (code) => resolve({ code, output }));
  });

describe('bash scripts/demo', () => {
  it('posts hello-world on a fresh localnet, a node runs it in Docker, the result is printed, nothing is left', async () => {
    const { code, output } = await run('bash', [join(REPO, 'scripts', 'demo')]);
    expect(code, output).toBe(0);
    expect(output).toContain('Hello from the Nosana Network!');
    expect(output).toMatch(/state:\s+COMPLETED/);
    expect(output).toMatch(/status: success/);
    expect(output).toContain('greeting: Hello from the Nosana Network!');
    const dir = /log: (\S+)\/node\.log/.exec(output)?.[1];
    expect(dir).toBeTruthy();
    expect(existsSync(dir!)).toBe(false);
    const processes = await run('pgrep', ['-af', dir!]);
    expect(processes.output.split('\n').filter((l) => l.includes('run.js'))).toEqual([]);
  }, 300_000);
});
