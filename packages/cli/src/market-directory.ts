/**
 * Market directories in the Nosana home: `markets/<network>.json`, written by `nosana market sync` and read by every
 * command that connects, so that market names (slugs) work on devnet and mainnet as they do on the localnet, and
 * `node start` knows the markets' GPU lists and required images. Reading one costs a small file read; nothing is
 * fetched behind the user's back.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { MarketDirectory } from '@nosana/chain';
import { writeAtomically } from './atomic-write.js';
import { directoryPath } from './market-directory-path.js';

/** Largest stored directory read back, in bytes. */
const MAX_STORED_BYTES = 8 * 2 ** 20;

export { directoryPath } from './market-directory-path.js';

/**
 * Stores a directory (atomically: a temporary file renamed over the old one; mode 0600, as the other files of the
 * Nosana home).
 *
 * @example
 * ```ts
 * saveDirectory(directory); // ~/.nosana/markets/mainnet.json
 * ```
 */
export function saveDirectory(directory: MarketDirectory): string {
  const path = directoryPath(directory.network);
  writeAtomically(path, `${JSON.stringify(directory, null, 2)}\n`);
  return path;
}

/** Result of {@link loadDirectory}. */
export interface LoadDirectoryResult {
  directory?: MarketDirectory;
  /** Set when a stored file was there but could not be used (the command goes on without it). */
  problem?: string;
}

/**
 * The stored directory of `network`, checked again entry by entry (the file may have been edited); none when
 * nothing was stored.
 *
 * @example
 * ```ts
 * const { directory } = await loadDirectory('mainnet');
 * ```
 */
export async function loadDirectory(network: string): Promise<LoadDirectoryResult> {
  const path = directoryPath(network);
  if (!existsSync(path)) return {};
  try {
    const text = readFileSync(path);
    if (text.length > MAX_STORED_BYTES)
      return { problem: `${path} is over ${MAX_STORED_BYTES} bytes; ignored` };
    const stored = JSON.parse(text.toString('utf8')) as Partial<MarketDirectory>;
    const { parseMarketDirectory } = await import('@nosana/chain');
    const { directory } = parseMarketDirectory({
      body: stored,
      network,
      source: typeof stored.source === 'string' ? stored.source : path,
      fetchedAt: typeof stored.fetchedAt === 'string' ? stored.fetchedAt : '',
    });
    return { directory };
  } catch (error) {
    return {
      problem: `${path} is not a market directory (${(error as Error).message}); ignored — run \`nosana market sync --network ${network}\` again`,
    };
  }
}
