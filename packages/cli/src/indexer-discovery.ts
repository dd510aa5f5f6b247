/**
 * Which indexer a command reads through: the one the user names (`--indexer` or `NOSANA_INDEXER_URL`), none when
 * the user says `none` (the RPC scan), else — on the localnet — the one the localnet announces in `localnet_info`
 * (`nosana localnet start` runs one), else none.
 */

/** The indexer chosen, and why; `undefined` from {@link indexerFor} when there is none. */
export interface ChosenIndexer {
  url: string;
  /** `flag`: named by the user (its failures are errors); `localnet`: announced by the localnet. */
  source: 'flag' | 'localnet';
}

/** The value of `--indexer` that turns the indexer off. */
export const NO_INDEXER = 'none';

/**
 * The indexer for the `--indexer` flag (or its env) and the command's network.
 *
 * @example
 * ```ts
 * const indexer = await indexerFor(flags.indexer, client.network); // { url: 'http://127.0.0.1:8090', source: 'localnet' }
 * ```
 */
export async function indexerFor(
  flag: string | undefined,
  network: { name: string; rpcUrl: string },
): Promise<ChosenIndexer | undefined> {
  if (flag === NO_INDEXER) return undefined;
  if (flag) return { url: flag, source: 'flag' };
  if (network.name !== 'localnet') return undefined;
  const { announcedServices } = await import('./localnet-services.js');
  const announced = (await announcedServices(network)).indexer;
  return announced ? { url: announced, source: 'localnet' } : undefined;
}

/** Where `nosana indexer start` listens by default: the last resort of commands that need an indexer. */
export const DEFAULT_INDEXER_URL = 'http://127.0.0.1:8090';

/**
 * The indexer of a command that needs one (`job explain`, `explorer`): the flag or its env, else the localnet's
 * announced one (for `--network` / `--rpc`), else {@link DEFAULT_INDEXER_URL}.
 *
 * @example
 * ```ts
 * const url = await requiredIndexer({ indexer: flags.indexer, network: flags.network, rpc: flags.rpc });
 * ```
 */
export async function requiredIndexer(flags: {
  indexer?: string | undefined;
  network: string;
  rpc?: string | undefined;
}): Promise<string> {
  if (flags.indexer && flags.indexer !== NO_INDEXER) return flags.indexer;
  const { resolveNetwork } = await import('@nosana/chain');
  const network = resolveNetwork({ network: flags.network, ...(flags.rpc ? { rpcUrl: flags.rpc } : {}) });
  return (
    (await indexerFor(undefined, { name: flags.network, rpcUrl: network.rpcUrl }))?.url ?? DEFAULT_INDEXER_URL
  );
}
