import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openNodeStore } from './store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nosana-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openNodeStore', () => {
  it('keeps job records across reopening, in a private directory', async () => {
    const store = openNodeStore({ dir: join(dir, 'node') });
    await store.put({ job: 'J1', run: 'R1', market: 'M', phase: 'claimed', startedAt: 1 });
    await store.put({ job: 'J2', run: 'R2', market: 'M', phase: 'running', startedAt: 2 });
    await store.put({
      job: 'J1',
      run: 'R1',
      market: 'M',
      phase: 'result-pinned',
      startedAt: 1,
      result: 'Qm',
      status: 'success',
    });
    await store.close();
    expect(statSync(join(dir, 'node')).mode & 0o777).toBe(0o700);

    const again = openNodeStore({ dir: join(dir, 'node') });
    expect(again.get('J1')).toEqual({
      job: 'J1',
      run: 'R1',
      market: 'M',
      phase: 'result-pinned',
      startedAt: 1,
      result: 'Qm',
      status: 'success',
    });
    expect(again.jobs().map((r) => r.job)).toEqual(['J1', 'J2']);
    await again.remove('J1');
    expect(again.get('J1')).toBeUndefined();
    expect(again.jobs().map((r) => r.job)).toEqual(['J2']);
    await again.close();
  });

  it('refuses a directory a live process holds, takes over one a dead process left', async () => {
    const store = openNodeStore({ dir });
    expect(() => openNodeStore({ dir })).toThrow(
      expect.objectContaining({ code: 'NODE__ALREADY_RUNNING', context: { dir, pid: process.pid } }),
    );
    await store.close();
    writeFileSync(join(dir, 'node.pid'), '2147483646');
    const taken = openNodeStore({ dir });
    expect(readFileSync(join(dir, 'node.pid'), 'utf8')).toBe(String(process.pid));
    await taken.close();
    expect(existsSync(join(dir, 'node.pid'))).toBe(false);
  });
});
