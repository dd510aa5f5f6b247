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
  const { discoverLocalnetServices } = await import('./localnet-services.js');
  const announced = (await discoverLocalnetServices(network.rpcUrl)).indexer;
  return announced ? { url: announced, source: 'localnet' } : undefined;
}
