/**
 * The node's own log: JSON lines, rotated by size, recording the node's progress — never a job's output (that goes
 * to the job's result and to its owner over the API). Every record is capped, so rotation holds whatever a job
 * prints.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { NodeEvent } from './events.js';

/** Parameters of {@link createNodeLogger}. */
export interface CreateNodeLoggerParameters {
  /** Directory of the log files (default ~/.nosana/node/logs). */
  dir: string;
  level?: string;
  /** Rotate at this size. Default '10m'. */
  size?: string;
  /** Rotated files kept. Default 5. */
  keep?: number;
  /** Largest record written; a larger one is replaced by a note of its size. Default 16 KiB. */
  maxRecordBytes?: number;
}

/** pino-roll 3 ships no types: the part of its API this package uses. */
type PinoRoll = (options: {
  file: string;
  size?: string;
  limit?: { count?: number };
  mkdir?: boolean;
}) => Promise<NodeJS.WritableStream>;
const PINO_ROLL = 'pino-roll';

/** Longest message or string field kept in a record. */
const MAX_TEXT = 2000;
const clip = (text: string, max = MAX_TEXT) =>
  text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text;

/**
 * A structured (JSON lines) logger writing to `<dir>/node.log.<n>`, rotated by size. Records larger than
 * `maxRecordBytes` are replaced by a note of their size and keys. Secrets never go to it: events carry addresses and
 * CIDs, never keys.
 *
 * @example
 * ```ts
 * const logger = await createNodeLogger({ dir: join(homedir(), '.nosana', 'node', 'logs') });
 * ```
 */
export async function createNodeLogger({
  dir,
  level = 'info',
  size = '10m',
  keep = 5,
  maxRecordBytes = 16 * 1024,
}: CreateNodeLoggerParameters): Promise<Logger> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { default: roll } = (await import(PINO_ROLL)) as { default: PinoRoll };
  const stream = await roll({ file: join(dir, 'node.log'), size, limit: { count: keep }, mkdir: true });
  return pino(
    {
      level,
      base: { service: 'nosana-node' },
      hooks: {
        logMethod(args, method) {
          const clipped = args.map((arg) => (typeof arg === 'string' ? clip(arg) : arg));
          method.apply(this, clipped as Parameters<typeof method>);
        },
      },
      formatters: {
        log(object) {
          const bytes = Buffer.byteLength(
            JSON.stringify(object, (_, v) => (typeof v === 'bigint' ? v.toString() : v)),
          );
          if (bytes <= maxRecordBytes) return object;
          return { truncated: true, bytes, keys: Object.keys(object).slice(0, 20) };
        },
      },
    },
    stream as unknown as pino.DestinationStream,
  );
}

/**
 * The log record of a node event: the flow's progress (op states, endpoints' status, the result's CID) without the
 * job's output; `undefined` for events that are not logged (log lines, pull progress).
 *
 * @example
 * ```ts
 * const record = nodeLogRecord(event);
 * if (record) logger.info(record, event.type);
 * ```
 */
export function nodeLogRecord(event: NodeEvent): Record<string, unknown> | undefined {
  switch (event.type) {
    case 'runtime': {
      const inner = event.event;
      if (inner.type === 'op-status')
        return {
          type: 'op-status',
          job: inner.jobId,
          op: inner.opId,
          status: inner.status,
          ...(inner.exitCode !== undefined ? { exitCode: inner.exitCode } : {}),
          ...(inner.error ? { error: clip(inner.error, 500) } : {}),
        };
      if (inner.type === 'endpoint')
        return { type: 'endpoint', job: inner.jobId, op: inner.opId, port: inner.port, status: inner.status };
      if (inner.type === 'flow-finished')
        return { type: 'flow-finished', job: inner.jobId, status: inner.state.status };
      return undefined;
    }
    case 'job-finished':
      return { ...event, payout: String(event.payout) };
    case 'image-pull':
      return undefined;
    case 'image-ready':
      return {
        type: 'image-ready',
        ...event.result,
        ...(event.result.error
          ? { error: { ...event.result.error, message: clip(event.result.error.message, 500) } }
          : {}),
      };
    case 'warning':
      return { type: 'warning', message: clip(event.message) };
    default:
      return { ...event };
  }
}
