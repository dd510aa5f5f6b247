import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';

/** Parameters of {@link createNodeLogger}. */
export interface CreateNodeLoggerParameters {
  /** Directory of the log files (default ~/.nosana/node/logs). */
  dir: string;
  level?: string;
  /** Rotate at this size. Default '10m'. */
  size?: string;
  /** Rotated files kept. Default 5. */
  keep?: number;
}

/** pino-roll 3 ships no types: the part of its API this package uses. */
type PinoRoll = (options: {
  file: string;
  size?: string;
  limit?: { count?: number };
  mkdir?: boolean;
}) => Promise<NodeJS.WritableStream>;
const PINO_ROLL = 'pino-roll';

/**
 * A structured (JSON lines) logger writing to `<dir>/node.log.<n>`, rotated by size. Secrets never go to it: events
 * carry addresses and CIDs, never keys.
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
}: CreateNodeLoggerParameters): Promise<Logger> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { default: roll } = (await import(PINO_ROLL)) as { default: PinoRoll };
  const stream = await roll({ file: join(dir, 'node.log'), size, limit: { count: keep }, mkdir: true });
  return pino({ level, base: { service: 'nosana-node' } }, stream as unknown as pino.DestinationStream);
}
