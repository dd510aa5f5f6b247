/**
 * `node start` without a market: which markets this host qualifies for (GPU model, VRAM and count against the
 * market's requirement, access key, stake) and why the others refuse it; `--market auto` picks the best-paying one.
 */
import type { MarketView, NosanaClient } from '@nosana/chain';
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
 * Judges every market of the network for this host.
 *
 * @example
 * ```ts
 * const { markets, best } = await recommendFor(client, specs.gpus);
 * ```
 */
export async function recommendFor(client: NosanaClient, gpus: readonly GpuSpec[]) {
  const [{ recommendMarkets }, { PublicKey, SystemProgram }] = await Promise.all([
    import('@nosana/node'),
    import('@solana/web3.js'),
  ]);
  const [markets, stake] = await Promise.all([client.markets.list(), client.staking.get().catch(() => null)]);
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
    })),
  });
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
export async function chooseMarket({ client, flag, gpus, log }: ChooseMarketParameters): Promise<string> {
  if (flag !== undefined && flag !== 'auto') return flag;
  const { NosanaError } = await import('@nosana/core');
  const result = await recommendFor(client, gpus);
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
