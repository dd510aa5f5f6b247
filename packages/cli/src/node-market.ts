/**
 * `node start` without a market: which markets this host qualifies for (GPU model, VRAM and count against the
 * market's requirement, access key, stake) and why the others refuse it; `--market auto` picks the best-paying one.
 */
import type { MarketDirectory, MarketView, NosanaClient } from '@nosana/chain';
import type { GpuSpec } from '@nosana/runtime';
import { state, table } from './output.js';

/** What the recommendation found (also the `result` of the error when no market was given). */
export interface MarketChoice {
  /** The market to join, or null when none was chosen. */
  market: string | null;
  markets: Array<{
    address: string;
    name: string | null;
    pricePerSecond: string;
    qualified: boolean;
    reasons: string[];
  }>;
}

/**
 * Judges every market of the network for this host: on its GPU list and VRAM when the market directory publishes
 * them (`nosana market sync`), else on its job type.
 *
 * @example
 * ```ts
 * const { markets, best } = await recommendFor(client, specs.gpus, directory);
 * ```
 */
export async function recommendFor(
  client: NosanaClient,
  gpus: readonly GpuSpec[],
  directory?: Pick<MarketDirectory, 'markets'>,
) {
  const [{ recommendMarkets }, { PublicKey, SystemProgram }] = await Promise.all([
    import('@nosana/node'),
    import('@solana/web3.js'),
  ]);
  const [markets, stake] = await Promise.all([
    client.markets.list(),
    Promise.resolve()
      .then(() => client.staking.get())
      .catch(() => null),
  ]);
  const published = new Map(directory?.markets.map((m) => [m.address, m]));
  const open = (m: MarketView) =>
    m.nodeAccessKey.equals(SystemProgram.programId) || m.nodeAccessKey.equals(PublicKey.default);
  return recommendMarkets({
    gpus,
    xnos: stake?.xnos ?? 0n,
    markets: markets.map((m) => ({
      address: m.address.toBase58(),
      name: m.name,
      pricePerSecond: m.jobPrice,
      gpu: m.jobType === 4,
      gated: !open(m),
      xnosMinimum: m.nodeXnosMinimum,
      requirement: requirementOf(published.get(m.address.toBase58()), m.jobType === 4),
    })),
  });
}

/** A directory entry's GPU list and VRAM as a requirement; none when it publishes neither. */
function requirementOf(entry: MarketDirectory['markets'][number] | undefined, gpu: boolean) {
  if (!entry || (entry.gpu_types.length === 0 && entry.lowest_vram === undefined)) return undefined;
  return {
    ...(entry.gpu_types.length > 0 ? { gpuModels: entry.gpu_types } : {}),
    // The directory's GB are decimal, as cards are sold ("24 GB" reports 24,564 MiB); the check compares GiB.
    ...(entry.lowest_vram !== undefined ? { minVramGb: (entry.lowest_vram * 1e9) / 2 ** 30 } : {}),
    minGpus: gpu || entry.gpu_types.length > 0 ? 1 : 0,
  };
}

/**
 * The images each market of a directory declares, by address and by name, for the node's pre-pull.
 *
 * @example
 * ```ts
 * startHostNode({ ..., marketImages: marketImages(directory) });
 * ```
 */
export function marketImages(directory: Pick<MarketDirectory, 'markets'>): Map<string, string[]> {
  const images = new Map<string, string[]>();
  for (const m of directory.markets) {
    if (m.required_images.length === 0) continue;
    images.set(m.address, m.required_images).set(m.slug, m.required_images);
  }
  return images;
}

/** The recommendation as a table: market, NOS/h, verdict and reasons. */
export async function recommendationTable(result: Awaited<ReturnType<typeof recommendFor>>): Promise<string> {
  const { formatNos, pricePerHour } = await import('@nosana/core');
  return table(result.markets, [
    { header: 'MARKET', get: (m) => (m.name ? `${m.name} (${m.address})` : m.address) },
    { header: 'NOS/H', get: (m) => formatNos(pricePerHour(m.pricePerSecond)), align: 'right' },
    {
      header: 'FITS',
      get: (m) => (m.qualified ? state(m.address === result.best ? 'best' : 'yes') : state('no')),
    },
    { header: 'WHY NOT', get: (m) => m.reasons.join('; ') },
  ]);
}

/** The JSON form of a recommendation. */
export function marketChoice(
  result: Awaited<ReturnType<typeof recommendFor>>,
  market: string | null,
): MarketChoice {
  return {
    market,
    markets: result.markets.map((m) => ({
      address: m.address,
      name: m.name,
      pricePerSecond: m.pricePerSecond.toString(),
      qualified: m.qualified,
      reasons: m.reasons,
    })),
  };
}

/** Parameters of {@link chooseMarket}. */
export interface ChooseMarketParameters {
  client: NosanaClient;
  /** `--market`: an address or name (returned as is), `auto`, or undefined. */
  flag: string | undefined;
  gpus: readonly GpuSpec[];
  /** The network's market directory, when stored: GPU lists and VRAM to judge markets on. */
  directory?: Pick<MarketDirectory, 'markets'> | undefined;
  log: (line: string) => void;
}

/**
 * The market `node start` joins. A market given by address or name is used as is; `auto` picks the best-paying
 * one this host qualifies for; no market at all prints the recommendation and throws `CLI__MARKET_REQUIRED`
 * (exit 1), whose `result` is the recommendation.
 *
 * @example
 * ```ts
 * const market = await chooseMarket({ client, flag: flags.market, gpus: specs.gpus, log: (l) => this.log(l) });
 * ```
 */
export async function chooseMarket({
  client,
  flag,
  gpus,
  directory,
  log,
}: ChooseMarketParameters): Promise<string> {
  if (flag !== undefined && flag !== 'auto') return flag;
  const { NosanaError } = await import('@nosana/core');
  const result = await recommendFor(client, gpus, directory);
  log(await recommendationTable(result));
  const best = result.markets.find((m) => m.address === result.best);
  const label = (m: { name: string | null; address: string }) => m.name ?? m.address;
  if (flag === 'auto') {
    if (!best)
      throw new NosanaError(
        'CLI__NO_QUALIFYING_MARKET',
        `this host qualifies for none of the ${result.markets.length} markets of ${client.network.name} (reasons above) — install a GPU driver, stake, or pick a market with --market`,
        { network: client.network.name, result: marketChoice(result, null) },
      );
    log(`Joining ${label(best)}: the best-paying market this host qualifies for.`);
    return best.address;
  }
  const fits = result.markets.filter((m) => m.qualified).map(label);
  const others = fits.slice(1);
  throw new NosanaError(
    'CLI__MARKET_REQUIRED',
    best
      ? `choose a market: --market ${label(best)} (best-paying that fits) or --market auto to join it${others.length > 0 ? `; others that fit: ${others.join(', ')}` : ''}`
      : `this host qualifies for none of the markets of ${client.network.name} (reasons above); choose one with --market <address> once it does`,
    { network: client.network.name, qualifying: fits, result: marketChoice(result, null) },
  );
}
