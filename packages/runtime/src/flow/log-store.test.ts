import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEntry } from '@nosana/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogBudget, createOpLogs, DEFAULT_LOG_CAPS, entryBytes } from './log-caps.js';
import { createFileLogStore, openFlowLogDir, removeFlowLogDirs } from './log-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'log-store-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const entry = (log: string, type: LogEntry['type'] = 'stdout'): LogEntry => ({ type, log, timestamp: 1 });

describe('file log store', () => {
  it('reads back exactly what was stored, whatever the text (newlines, quotes, control characters, emoji, empty)', () => {
    const texts = [
      'plain',
      '',
      'a\nb\r\n',
      '"quoted" \\ back',
      '\u0000\u0001\u001b[31m',
      'é ✓ 🚀',
      'x'.repeat(200_000),
    ];
    const store = createFileLogStore(join(dir, '0.jsonl'));
    for (const text of texts) expect(store.append(entry(text, 'stderr'))).toBe(true);
    expect(store.read()).toEqual(texts.map((text) => entry(text, 'stderr')));
    expect(store.error).toBeUndefined();
  });

  it('creates its file 0600 and never writes through a symbolic link left at its name', () => {
    const target = join(dir, 'target');
    writeFileSync(target, 'keep');
    const path = join(dir, '0.jsonl');
    symlinkSync(target, path);
    const store = createFileLogStore(path);
    store.append(entry('hello'));
    expect(store.read()).toEqual([entry('hello')]);
    expect(readFileSync(target, 'utf8')).toBe('keep');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('keeps what it wrote when its directory is removed before the read (the descriptor is read)', () => {
    const sub = join(dir, 'flow');
    mkdirSync(sub);
    const store = createFileLogStore(join(sub, '0.jsonl'));
    for (let i = 0; i < 5000; i++) store.append(entry(`line ${i} ${'.'.repeat(40)}`)); // several 64 KiB blocks
    rmSync(sub, { recursive: true });
    const entries = store.read();
    expect(entries).toHaveLength(5000);
    expect(entries[4999]!.log).toBe(`line 4999 ${'.'.repeat(40)}`);
  });

  it('reports a store that cannot write, and an op log built on it says the lines were lost', () => {
    const store = createFileLogStore(join(dir, 'missing', '0.jsonl'));
    const logs = createOpLogs({ caps: DEFAULT_LOG_CAPS, budget: createLogBudget(1e9), store, now: () => 9 });
    logs.push({ stream: 'stdout', line: 'lost', timestamp: 1 });
    const entries = logs.entries();
    expect(store.error).toMatch(/ENOENT/);
    expect(entries).toEqual([
      {
        type: 'nodeerr',
        log: expect.stringMatching(
          /^Logs incomplete: the node could not store them \(.*ENOENT.*\), 1 line\(s\) lost$/,
        ),
        timestamp: 9,
      },
    ]);
    expect(logs.truncated).toBe(true);
  });
});

describe('op logs on a file store', () => {
  it('a 1,000,000-line flood keeps the capped prefix on disk and counts the rest, with the marker', () => {
    const path = join(dir, '0.jsonl');
    const caps = { maxLines: 25_000, maxOpBytes: DEFAULT_LOG_CAPS.maxOpBytes };
    const logs = createOpLogs({
      caps,
      budget: createLogBudget(1e9),
      store: createFileLogStore(path),
      now: () => 3,
    });
    for (let i = 0; i < 1_000_000; i++) logs.push({ stream: 'stdout', line: String(i), timestamp: i });
    // Only the kept prefix ever reached the disk.
    const onDisk = statSync(path).size;
    expect(onDisk).toBeLessThanOrEqual(25_000 * 64);
    const entries = logs.entries();
    expect(entries).toHaveLength(25_001);
    expect(entries[24_999]).toEqual({ type: 'stdout', log: '24999', timestamp: 24_999 });
    expect(entries.at(-1)).toEqual({
      type: 'nodeerr',
      log: expect.stringMatching(
        /^Found too many logs: 975000 line\(s\) \(.*\) dropped after the first 25000 line\(s\)/,
      ),
      timestamp: 3,
    });
    // The entries are final: a second read gives the same, later lines are not kept.
    logs.push({ stream: 'stdout', line: 'late', timestamp: 1 });
    expect(logs.entries()).toEqual(entries);
  });

  it('keeps an op within its byte cap on disk', () => {
    const text = 'y'.repeat(10_000);
    const path = join(dir, '1.jsonl');
    const logs = createOpLogs({
      caps: { maxLines: 1e6, maxOpBytes: entryBytes(text) * 50 },
      budget: createLogBudget(1e9),
      store: createFileLogStore(path),
    });
    for (let i = 0; i < 1000; i++) logs.push({ stream: 'stdout', line: text, timestamp: i });
    expect(statSync(path).size).toBeLessThanOrEqual(entryBytes(text) * 50);
    expect(logs.entries().filter((e) => e.type === 'stdout')).toHaveLength(50);
  });
});

describe('flow log directories', () => {
  it('gives each op its own file in a 0700 directory, removed with the flow', async () => {
    const flow = await openFlowLogDir(join(dir, 'logs'), 'nosana-abc-job-1');
    const store = flow.store(0);
    store.append(entry('a'));
    expect(store.read()).toEqual([entry('a')]);
    expect(statSync(join(dir, 'logs', 'nosana-abc-job-1')).mode & 0o777).toBe(0o700);
    await flow.remove();
    expect(existsSync(join(dir, 'logs', 'nosana-abc-job-1'))).toBe(false);
  });

  it('falls back to memory when the directory cannot be made', async () => {
    writeFileSync(join(dir, 'file'), '');
    const flow = await openFlowLogDir(join(dir, 'file'), 'nosana-abc-job-1');
    const store = flow.store(0);
    store.append(entry('a'));
    expect(store.read()).toEqual([entry('a')]);
    await flow.remove();
  });

  it('removes the stale directories of a scope, not those it keeps nor other scopes’', async () => {
    for (const name of ['nosana-abc-old', 'nosana-abc-running', 'nosana-def-other'])
      mkdirSync(join(dir, name), { recursive: true });
    expect(await removeFlowLogDirs(dir, 'nosana-abc-', new Set(['nosana-abc-running']))).toBe(1);
    expect(existsSync(join(dir, 'nosana-abc-old'))).toBe(false);
    expect(existsSync(join(dir, 'nosana-abc-running'))).toBe(true);
    expect(existsSync(join(dir, 'nosana-def-other'))).toBe(true);
    expect(await removeFlowLogDirs(join(dir, 'absent'), 'nosana-abc-', new Set())).toBe(0);
  });
});
