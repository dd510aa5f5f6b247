import { ux } from '@oclif/core';
import { type MarketSummary, marketTable, summarizeMarket } from '../../market-output.js';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';

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
    this.log(marketTable(markets, ux.colorize));
    return { markets: markets.map(summarizeMarket) };
  }
}
