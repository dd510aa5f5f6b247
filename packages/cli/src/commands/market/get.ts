import type { MarketView } from '@nosana/chain';
import { Args } from '@oclif/core';
import { NetworkCommand } from '../../network-command.js';
import { details, spin } from '../../output.js';

/** A market in `--json` output (amounts in NOS base units, as strings). */
export interface MarketSummary {
  address: string;
  name: string | null;
  /** NOS base units per second. */
  jobPrice: string;
  /** Default (and, in the real program, maximum) job timeout in seconds. */
  jobTimeout: number;
  /** Seconds after which finished jobs may be cleaned. */
  jobExpiration: number;
  /** 0 default, 1 small, 2 medium, 3 large, 4 GPU. */
  jobType: number;
  /** Minimum stake of a node, xNOS base units. */
  nodeXnosMinimum: string;
  /** The NFT collection nodes must hold, or null for an open market. */
  nodeAccessKey: string | null;
  queueKind: 'jobs' | 'nodes' | 'empty';
  queue: string[];
  vault: string;
}

const OPEN = new Set(['11111111111111111111111111111111']);

/** The JSON form of a market. */
export function summarizeMarket(market: MarketView): MarketSummary {
  const accessKey = market.nodeAccessKey.toBase58();
  return {
    address: market.address.toBase58(),
    name: market.name ?? null,
    jobPrice: market.jobPrice.toString(),
    jobTimeout: market.jobTimeout,
    jobExpiration: market.jobExpiration,
    jobType: market.jobType,
    nodeXnosMinimum: market.nodeXnosMinimum.toString(),
    nodeAccessKey: OPEN.has(accessKey) ? null : accessKey,
    queueKind: market.queueKind,
    queue: market.queue.map((k) => k.toBase58()),
    vault: market.vault.toBase58(),
  };
}

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
    const { formatNos, pricePerHour } = await import('@nosana/core');
    const summary = summarizeMarket(market);
    this.log(
      details([
        ['market', market.name ? `${market.name} (${summary.address})` : summary.address],
        ['price', `${formatNos(market.jobPrice)} NOS/s (${formatNos(pricePerHour(market.jobPrice))} NOS/h)`],
        ['timeout', `${market.jobTimeout}s`],
        ['job type', market.jobType === 4 ? 'GPU' : String(market.jobType)],
        ['node stake', `${formatNos(market.nodeXnosMinimum)} xNOS minimum`],
        ['access', summary.nodeAccessKey ? `holders of collection ${summary.nodeAccessKey}` : 'open'],
        [
          'queue',
          market.queueKind === 'empty' ? 'empty' : `${market.queue.length} ${market.queueKind} waiting`,
        ],
      ]),
    );
    return summary;
  }
}
