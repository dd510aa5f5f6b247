import { NetworkCommand } from '../../network-command.js';
import { spin, table } from '../../output.js';
import { type MarketSummary, summarizeMarket } from './get.js';

/** What `nosana market list --json` returns. */
export interface MarketListResult {
  markets: MarketSummary[];
}

export default class MarketList extends NetworkCommand<MarketListResult> {
  static override summary = 'list the markets of the network: price, timeout and queue';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --network mainnet --json',
  ];

  async run(): Promise<MarketListResult> {
    const { flags } = await this.parse(MarketList);
    const client = await this.client(flags, { wallet: 'none' });
    const markets = await spin(this.jsonEnabled(), 'Fetching markets', () => client.markets.list());
    const { formatNos, pricePerHour } = await import('@nosana/core');
    const summaries = markets.map(summarizeMarket);
    this.log(
      table(markets, [
        { header: 'NAME', get: (m) => m.name ?? '' },
        { header: 'ADDRESS', get: (m) => m.address.toBase58() },
        { header: 'NOS/S', get: (m) => formatNos(m.jobPrice), align: 'right' },
        { header: 'NOS/H', get: (m) => formatNos(pricePerHour(m.jobPrice)), align: 'right' },
        { header: 'TIMEOUT', get: (m) => `${m.jobTimeout}s`, align: 'right' },
        {
          header: 'QUEUE',
          get: (m) => (m.queueKind === 'empty' ? 'empty' : `${m.queue.length} ${m.queueKind}`),
        },
      ]),
    );
    return { markets: summaries };
  }
}
