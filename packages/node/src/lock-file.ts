/**
 * Pid lock files: a file created exclusively names the process holding a resource; a file left by a dead process
 * (kill -9) is stale and taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Outcome of {@link takeLockFile}: the release function, or the pid of the live holder. */
export type TakeLockFileResult = { ok: true; release: () => void } | { ok: false; pid: number };

/**
 * Takes `file` for this process (pid written, mode 0600). A file naming a live process other than a stale one is
 * left alone and its pid returned.
 *
 * @example
 * ```ts
 * const lock = takeLockFile('/home/me/.nosana/locks/node-<address>.lock');
 * if (lock.ok) lock.release();
 * ```
 */
export function takeLockFile(file: string): TakeLockFileResult {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      let released = false;
      return {
        ok: true,
        release: () => {
          if (released) return;
          released = true;
          rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = readPid(file);
      if (pid > 0 && alive(pid)) return { ok: false, pid };
      // Stale (its process is gone, or the file is empty/garbled): take it over.
      rmSync(file, { force: true });
    }
  }
  return { ok: false, pid: readPid(file) };
}

function readPid(file: string): number {
  try {
    return Number.parseInt(readFileSync(file, 'utf8'), 10) || 0;
  } catch {
    return 0;
  }
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
