import { issueAt, type ValidationIssue } from '../issues.js';
import { JOB_DEFINITION_LIMITS } from '../schema.js';
import { exposeItems, isObject, isString, type Path } from './context.js';

type Range = { start: number; end: number };

/**
 * An op's exposed ports: valid, bounded ranges, each port and range exposed once and disjoint from the others.
 *
 * @example
 * ```ts
 * const errors: ValidationIssue[] = [];
 * checkExpose([8080, '8000-8100'], ['ops', 0, 'args', 'expose'], errors); // overlapping_ports
 * ```
 */
export function checkExpose(expose: unknown, at: Path, errors: ValidationIssue[]): void {
  const list = Array.isArray(expose);
  const singles = new Set<number>();
  const ranges: Range[] = [];
  exposeItems(expose).forEach((item, i) => {
    const itemAt = list ? [...at, i] : at;
    const objectPort = isObject(item) && !('__spread__' in item);
    const port = objectPort ? item.port : item;
    const portAt = objectPort ? [...itemAt, 'port'] : itemAt;
    if (typeof port === 'number' && Number.isInteger(port))
      checkSingle(port, portAt, singles, ranges, errors);
    else if (isString(port) && /^\d+-\d+$/.test(port)) checkRange(port, portAt, singles, ranges, errors);
  });
}

function checkSingle(
  port: number,
  at: Path,
  singles: Set<number>,
  ranges: Range[],
  errors: ValidationIssue[],
) {
  if (singles.has(port)) {
    errors.push(issueAt(at, 'duplicate_port', `port ${port} is exposed twice`, 'expose each port once'));
    return;
  }
  singles.add(port);
  const range = ranges.find((r) => port >= r.start && port <= r.end);
  if (range) {
    errors.push(
      issueAt(
        at,
        'overlapping_ports',
        `port ${port} is inside the range ${range.start}-${range.end}`,
        'remove it or the range',
      ),
    );
  }
}

function checkRange(
  port: string,
  at: Path,
  singles: Set<number>,
  ranges: Range[],
  errors: ValidationIssue[],
) {
  const [start, end] = port.split('-').map(Number) as [number, number];
  if (!(start >= 1 && end <= 65535 && start < end)) {
    errors.push(
      issueAt(
        at,
        'invalid_port_range',
        `"${port}" is not a valid range`,
        'write "start-end" with 1 ≤ start < end ≤ 65535',
      ),
    );
    return;
  }
  if (end - start + 1 > JOB_DEFINITION_LIMITS.maxPortsPerRange) {
    errors.push(
      issueAt(
        at,
        'port_range_too_large',
        `"${port}" spans ${end - start + 1} ports`,
        `expose at most ${JOB_DEFINITION_LIMITS.maxPortsPerRange} ports per range`,
      ),
    );
    return;
  }
  const overlap = ranges.find((r) => start <= r.end && end >= r.start);
  const single = [...singles].find((p) => p >= start && p <= end);
  if (overlap || single !== undefined) {
    errors.push(
      issueAt(
        at,
        'overlapping_ports',
        overlap
          ? `range ${port} overlaps the range ${overlap.start}-${overlap.end}`
          : `range ${port} contains port ${single}, which is exposed on its own`,
        'make exposed ports and ranges disjoint',
      ),
    );
    return;
  }
  ranges.push({ start, end });
}
