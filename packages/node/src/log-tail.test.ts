import type { LogEntry } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { createLogTail } from './log-tail.js';

const line = (log: string, timestamp = 0): LogEntry => ({ type: 'stdout', log, timestamp });

describe('the live log tail', () => {
  it('keeps the last lines within the line budget, with their op, stream and time', () => {
    const tail = createLogTail({ maxLines: 3 });
    for (let i = 0; i < 10; i++)
      tail.push(i % 2 ? 'odd' : 'even', {
        type: i % 3 ? 'stdout' : 'stderr',
        log: `line ${i}`,
        timestamp: i,
      });
    expect(tail.entries()).toEqual([
      { opId: 'odd', type: 'stdout', log: 'line 7', timestamp: 7 },
      { opId: 'even', type: 'stdout', log: 'line 8', timestamp: 8 },
      { opId: 'odd', type: 'stderr', log: 'line 9', timestamp: 9 },
    ]);
  });

  it('keeps within the character budget, but always the newest line', () => {
    const tail = createLogTail({ maxLines: 100, maxChars: 10 });
    tail.push('op', line('aaaa'));
    tail.push('op', line('bbbb'));
    tail.push('op', line('cccc'));
    expect(tail.entries().map((e) => e.log)).toEqual(['bbbb', 'cccc']);
    tail.push('op', line('x'.repeat(50)));
    expect(tail.entries().map((e) => e.log)).toEqual(['x'.repeat(50)]);
  });

  it('holds copies: changing a pushed entry or a returned one changes nothing kept', () => {
    const tail = createLogTail({ maxLines: 2 });
    const entry = line('kept', 5);
    tail.push('op', entry);
    entry.log = 'changed';
    tail.entries()[0]!.log = 'changed too';
    expect(tail.entries()).toEqual([{ opId: 'op', type: 'stdout', log: 'kept', timestamp: 5 }]);
  });

  it('equals the newest suffix of the pushed lines that fits both budgets, for many budgets and line lengths', () => {
    for (const maxLines of [1, 2, 3, 7, 40])
      for (const maxChars of [1, 5, 64, 500])
        for (const count of [0, 1, 5, 17, 100, 301]) {
          const logs = Array.from({ length: count }, (_, i) => 'x'.repeat((i * 7 + maxLines) % 23));
          const tail = createLogTail({ maxLines, maxChars });
          for (const log of logs) tail.push('op', line(log));
          // The reference: drop from the front until both budgets hold (keeping at least one line).
          const expected = [...logs];
          let chars = expected.reduce((n, l) => n + l.length, 0);
          while (expected.length > maxLines || (expected.length > 1 && chars > maxChars))
            chars -= expected.shift()!.length;
          expect(
            tail.entries().map((e) => e.log),
            `${maxLines} lines, ${maxChars} chars, ${count} pushed`,
          ).toEqual(expected);
        }
  });
});
