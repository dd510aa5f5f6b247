/**
 * Starts test/manager-process.ts (the manager in a process of its own) and follows its JSON lines: `ready` gives the
 * API URL, `pass` lines are collected with the time they arrived, `error` lines too.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** What test/manager-process.ts reads from its argument. */
export interface ManagerProcessConfig {
  rpcUrl: string;
  wsUrl: string;
  ipfsApiUrl: string;
  walletPath: string;
  db: string;
  intervalMs: number;
}

/** A running manager process. */
export interface ManagerProcess {
  child: ChildProcessByStdio<null, Readable, null>;
  /** Its API URL once it serves; rejects when the process exits first. */
  ready: Promise<string>;
  /** Each reconciler pass, with `performance.now()` when its line arrived. */
  passes: Array<{ at: number; durationMs: number; actions: number }>;
  errors: string[];
  exited: Promise<number | null>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Spawns the manager process.
 *
 * @example
 * ```ts
 * const manager = spawnManager({ rpcUrl, wsUrl, ipfsApiUrl, walletPath, db, intervalMs: 200 });
 * const url = await manager.ready;
 * ```
 */
export function spawnManager(config: ManagerProcessConfig): ManagerProcess {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@nosana/source',
      '--import',
      'tsx',
      join(root, 'test', 'manager-process.ts'),
      JSON.stringify(config),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const passes: ManagerProcess['passes'] = [];
  const errors: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (text) => {
      const message = JSON.parse(text) as {
        type: string;
        api?: string;
        message?: string;
      } & ManagerProcess['passes'][0];
      if (message.type === 'ready') resolve(message.api!);
      else if (message.type === 'pass') passes.push({ ...message, at: performance.now() });
      else if (message.type === 'error') errors.push(message.message!);
    });
    void exited.then((code) => reject(new Error(`the manager process exited (${code}) before serving`)));
  });
  return { child, ready, passes, errors, exited };
}
