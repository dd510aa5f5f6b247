import { describe, expect, it } from 'vitest';
import type { ValidationIssue } from '../issues.js';
import { checkExpose } from './expose.js';

const issues = (expose: unknown) => {
  const errors: ValidationIssue[] = [];
  checkExpose(expose, ['ops', 0, 'args', 'expose'], errors);
  return errors.map((e) => `${e.path} ${e.code}: ${e.message}`);
};

describe('checkExpose', () => {
  it('accepts disjoint ports and ranges, as a list, a single value or objects', () => {
    expect(issues([80, '8000-8010', { port: 9000 }])).toEqual([]);
    expect(issues(8080)).toEqual([]);
  });

  it('reports duplicates, overlaps, bad and oversized ranges', () => {
    expect(issues([80, 80, '70-90', '100-50', '1000-9000', '85-95'])).toEqual([
      'ops[0].args.expose[1] duplicate_port: port 80 is exposed twice',
      'ops[0].args.expose[2] overlapping_ports: range 70-90 contains port 80, which is exposed on its own',
      'ops[0].args.expose[3] invalid_port_range: "100-50" is not a valid range',
      'ops[0].args.expose[4] port_range_too_large: "1000-9000" spans 8001 ports',
    ]);
    expect(issues(['70-90', 85])).toEqual([
      'ops[0].args.expose[1] overlapping_ports: port 85 is inside the range 70-90',
    ]);
  });
});
