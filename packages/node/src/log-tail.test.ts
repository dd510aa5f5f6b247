import { describe, expect, it } from 'vitest';
import { createLogTail } from './log-tail.js';

describe('the live log tail', () => {
  it('keeps the last lines within the line budget', () => {
    const tail = createLogTail<{ log: string }>({ maxLines: 3 });
    for (let i = 0; i < 10; i++) tail.push({ log: `line ${i}` });
    expect(tail.entries().map((e) => e.log)).toEqual(['line 7', 'line 8', 'line 9']);
  });

  it('keeps within the character budget, but always the newest line', () => {
    const tail = createLogTail<{ log: string }>({ maxLines: 100, maxChars: 10 });
    tail.push({ log: 'aaaa' });
    tail.push({ log: 'bbbb' });
    tail.push({ log: 'cccc' });
    expect(tail.entries().map((e) => e.log)).toEqual(['bbbb', 'cccc']);
    tail.push({ log: 'x'.repeat(50) });
    expect(tail.entries().map((e) => e.log)).toEqual(['x'.repeat(50)]);
  });

  it('equals the newest suffix of the pushed lines that fits both budgets, for many budgets and line lengths', () => {
    for (const maxLines of [1, 2, 3, 7, 40])
      for (const maxChars of [1, 5, 64, 500])
        for (const count of [0, 1, 5, 17, 100, 301]) {
          const logs = Array.from({ length: count }, (_, i) => 'x'.repeat((i * 7 + maxLines) % 23));
          const tail = createLogTail<{ log: string }>({ maxLines, maxChars });
          for (const log of logs) tail.push({ log });
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
