import { Args, ux } from '@oclif/core';
import { type MarketSummary, marketDetails, summarizeMarket } from '../../market-output.js';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';

export type { MarketSummary } from '../../market-output.js';

export default class MarketGet extends NetworkCommand<MarketSummary> {
  static override summary = 'show a market: price per second and hour, timeout, queue';
  static override examples = [
    '<%= config.bin %> <%= command.id %> cpu',
    '<%= config.bin %> <%= command.id %> 7AtiXMSH6R1jjBxrcYjehCkkSF7zvYWte63gwEDBcGHq --network mainnet',
  ];
  static override args = {
    market: Args.string({
      ignoreStdin: true,
      description: 'market address, or name on the localnet (cpu, gpu)',
      required: true,
    }),
  };

  async run(): Promise<MarketSummary> {
    const { args, flags } = await this.parse(MarketGet);
    const client = await this.client(flags, { wallet: 'none' });
    const market = await spin(this.jsonEnabled(), 'Fetching the market', () =>
      client.markets.get(args.market),
    );
    const summary = summarizeMarket(market);
    this.log(marketDetails(market, ux.colorize));
    return summary;
  }
}
