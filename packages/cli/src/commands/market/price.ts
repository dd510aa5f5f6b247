import type { CompareWithCloudResult } from '@nosana/templates';
import { Args, Flags } from '@oclif/core';
import { NetworkCommand } from '../../network-command.js';
import { details, spin } from '../../output.js';

/** What `nosana market price --json` returns. */
export interface MarketPriceResult extends CompareWithCloudResult {
  market: string;
  /** NOS base units per second. */
  jobPrice: string;
  timeoutSeconds: number;
  nosUsd: number;
  gpu: string | null;
}

export default class MarketPrice extends NetworkCommand<MarketPriceResult> {
  static override summary = 'price a market in USD and against on-demand cloud GPUs';
  static override description =
    'Shows the market price per hour and per month at full use, the most a job can cost (price × timeout), and the cheapest on-demand offer of AWS, Google Cloud and Azure for the same GPU, from a dated table shipped with the CLI. The NOS price is yours to give (--nos-usd or NOSANA_NOS_USD): no price is fetched from anywhere.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> gpu --nos-usd 0.5 --gpu A100',
    '<%= config.bin %> <%= command.id %> 97G9NnvBDQ2WpKu6fasoMsAKmfj63C9rhysJnkeWodAf --network mainnet --nos-usd 0.5 --gpu "RTX 4090" --timeout 2h',
  ];
  static override args = {
    market: Args.string({
      description: 'market address, or name on the localnet (cpu, gpu)',
      required: true,
    }),
  };
  static override flags = {
    'nos-usd': Flags.string({
      summary: 'the USD price of 1 NOS to convert with',
      env: 'NOSANA_NOS_USD',
      required: true,
    }),
    gpu: Flags.string({ summary: 'the GPU model of the market, for the cloud comparison (e.g. A100, H100)' }),
    timeout: Flags.string({
      char: 't',
      summary: 'the job timeout for the maximum cost (default: the market timeout)',
    }),
  };

  async run(): Promise<MarketPriceResult> {
    const { args, flags } = await this.parse(MarketPrice);
    const { NosanaError, parseDuration } = await import('@nosana/core');
    const nosUsd = Number(flags['nos-usd']);
    if (!/^\d+(\.\d+)?$/.test(flags['nos-usd']) || !(nosUsd > 0))
      throw new NosanaError(
        'CLI__INVALID_FLAG',
        `--nos-usd ${flags['nos-usd']} is not a positive USD amount; e.g. --nos-usd 0.5`,
        {
          flag: 'nos-usd',
          value: flags['nos-usd'],
        },
      );
    const client = await this.client(flags, { wallet: 'none' });
    const market = await spin(this.jsonEnabled(), 'Fetching the market', () =>
      client.markets.get(args.market),
    );
    const timeoutSeconds = flags.timeout === undefined ? market.jobTimeout : parseDuration(flags.timeout);
    const { compareWithCloud } = await import('@nosana/templates');
    const result = compareWithCloud({
      pricePerSecond: market.jobPrice,
      timeoutSeconds,
      nosUsd,
      ...(flags.gpu === undefined ? {} : { gpu: flags.gpu }),
    });
    const usd = (n: number) => `$${n.toFixed(n < 10 ? 4 : 2)}`;
    const cloud = result.cloud
      ? `${usd(result.cloud.usdPerGpuHour)}/h, ${usd(result.cloud.usdPerMonth)}/month (${result.cloud.provider} ${result.cloud.instance}, list price of ${result.cloud.asOf})`
      : flags.gpu
        ? `no on-demand offer for ${flags.gpu} in the table`
        : 'give --gpu to compare';
    this.log(
      details([
        ['market', market.name ? `${market.name} (${market.address.toBase58()})` : market.address.toBase58()],
        ['per hour', `${result.nosPerHour} NOS = ${usd(result.usdPerHour)} at $${nosUsd}/NOS`],
        ['per month', `${usd(result.usdPerMonth)} at full use (730 h)`],
        ['max job cost', `${result.maxJobNos} NOS = ${usd(result.maxJobUsd)} (timeout ${timeoutSeconds}s)`],
        ['cloud', cloud],
        ...(result.savingPercent === null
          ? []
          : [['saving', `${result.savingPercent}% against that offer`] as [string, string]]),
      ]),
    );
    return {
      market: market.address.toBase58(),
      jobPrice: market.jobPrice.toString(),
      timeoutSeconds,
      nosUsd,
      gpu: flags.gpu ?? null,
      ...result,
    };
  }
}
