import { readFileSync, statSync } from 'node:fs';
import type { MarketDirectoryEntry } from '@nosana/chain';
import { Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { networkFlags } from '../../network.js';
import { spin, table } from '../../output.js';

/** What `nosana market sync --json` returns. */
export interface MarketSyncResult {
  network: string;
  /** The URL or file read. */
  source: string;
  fetchedAt: string;
  /** Where the directory is stored. */
  path: string;
  markets: MarketDirectoryEntry[];
  /** Entries of the answer left out, with why. */
  dropped: Array<{ index: number; reason: string }>;
}

export default class MarketSync extends NosanaCommand<MarketSyncResult> {
  static override summary = 'load the names, GPU lists and images of the network’s markets';
  static override description =
    `The chain holds markets by address only. This reads the market directory the vendor publishes for devnet and mainnet (its dashboard API, GET /api/markets/), or a URL or JSON file of the same shape you give, checks every entry (a bad one is left out, with why), and stores it in ~/.nosana/markets/<network>.json. From then on every command takes the markets' names (slugs) wherever it takes a market (job post --market nvidia-4090), market list/get show them, and node start judges the markets on their GPU lists and VRAM and pre-pulls their required images. Only this command reads the directory from the network; run it again to refresh.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> --network mainnet',
    '<%= config.bin %> <%= command.id %> --network devnet --from https://example.com/api/markets/',
    '<%= config.bin %> <%= command.id %> --network localnet --from ./markets.json',
  ];
  static override flags = {
    network: networkFlags.network,
    from: Flags.string({
      summary: 'URL or JSON file to read the directory from (default: the vendor’s, for devnet and mainnet)',
    }),
  };

  async run(): Promise<MarketSyncResult> {
    const { flags } = await this.parse(MarketSync);
    const chain = await import('@nosana/chain');
    const from = flags.from;
    if (from === undefined && !chain.VENDOR_MARKET_DIRECTORY_URLS[flags.network]) {
      const { NosanaError } = await import('@nosana/core');
      throw new NosanaError(
        'CLI__INVALID_FLAG',
        `no market directory is published for ${flags.network} (only for ${Object.keys(chain.VENDOR_MARKET_DIRECTORY_URLS).join(' and ')}) — give one with --from <URL or file>`,
        { flag: 'from', value: '' },
      );
    }
    const parsed = await spin(this.jsonEnabled(), 'Reading the market directory', () =>
      from === undefined || /^https?:\/\//i.test(from)
        ? chain.fetchMarketDirectory({ network: flags.network, ...(from ? { url: from } : {}) })
        : readDirectoryFile(from, flags.network),
    );
    if (parsed.directory.markets.length === 0) {
      const { NosanaError } = await import('@nosana/core');
      throw new NosanaError(
        'CLI__DIRECTORY_EMPTY',
        `the market directory from ${parsed.directory.source} has no usable market (${parsed.dropped.length} left out${parsed.dropped[0] ? `, the first: ${parsed.dropped[0].reason}` : ''}) — nothing was stored; the directory stored before, if any, is kept`,
        { source: parsed.directory.source, dropped: parsed.dropped.length },
      );
    }
    const { saveDirectory } = await import('../../market-directory.js');
    const path = saveDirectory(parsed.directory);
    for (const { index, reason } of parsed.dropped.slice(0, 20))
      this.warnUser(`left out the directory's entry ${index}: ${reason}`);
    if (parsed.dropped.length > 20) this.warnUser(`and ${parsed.dropped.length - 20} more entries left out`);
    const { markets } = parsed.directory;
    this.log(
      table(markets, [
        { header: 'NAME', get: (m) => m.slug },
        { header: 'TYPE', get: (m) => m.type },
        { header: 'GPUS', get: (m) => summarizeGpus(m) },
        { header: 'ADDRESS', get: (m) => m.address },
      ]),
    );
    this.log(
      `${markets.length} market(s) of ${flags.network} from ${parsed.directory.source}, stored in ${path}`,
    );
    return {
      network: flags.network,
      source: parsed.directory.source,
      fetchedAt: parsed.directory.fetchedAt,
      path,
      markets,
      dropped: parsed.dropped,
    };
  }
}

function summarizeGpus(market: MarketDirectoryEntry): string {
  const models =
    market.gpu_types.length > 2
      ? `${market.gpu_types.slice(0, 2).join(', ')}, …`
      : market.gpu_types.join(', ');
  return [models, market.lowest_vram !== undefined ? `≥ ${market.lowest_vram} GB` : '']
    .filter(Boolean)
    .join(' ');
}

/** The directory in a JSON file: bounded, and every failure a coded error naming the file. */
async function readDirectoryFile(path: string, network: string) {
  const [{ NosanaError, isNosanaError }, chain] = await Promise.all([
    import('@nosana/core'),
    import('@nosana/chain'),
  ]);
  const refuse = (reason: string) =>
    new NosanaError(
      'CLI__DIRECTORY_FILE_INVALID',
      `${path} is not a market directory: ${reason} — give a JSON list of markets as GET /api/markets/ answers, or a URL`,
      { path },
    );
  let text: string;
  try {
    if (statSync(path).size > chain.MAX_DIRECTORY_BYTES)
      throw refuse(`over ${chain.MAX_DIRECTORY_BYTES} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isNosanaError(error)) throw error;
    throw refuse(`cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return chain.parseMarketDirectory({
      body: JSON.parse(text),
      network,
      source: path,
      fetchedAt: new Date().toISOString(),
    });
  } catch (error) {
    throw refuse(
      isNosanaError(error, 'CHAIN__MARKET_DIRECTORY_UNREADABLE')
        ? error.context.reason
        : `not JSON (${(error as Error).message})`,
    );
  }
}
