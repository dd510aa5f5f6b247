import { Args, Flags } from '@oclif/core';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';
import { parseStakeAmount, type StakeJson, stakeDetails, stakeJson } from '../../stake.js';

/** What `nosana stake create --json` returns. */
export interface StakeCreateResult {
  signature: string;
  stake: StakeJson;
}

export default class StakeCreate extends NetworkCommand<StakeCreateResult> {
  static override summary = 'stake NOS for 14 to 365 days: xNOS = NOS × (1 + days / 4 months)';
  static override description =
    'Locks NOS in a stake account of the wallet. The longer the duration, the more xNOS (up to 4× at 365 days); markets may require a minimum xNOS of the nodes that work in them. Unstaking later releases the NOS linearly over the same duration.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> 1000 --days 365',
    '<%= config.bin %> <%= command.id %> 12.5 --days 14 --json',
  ];
  static override args = {
    amount: Args.string({
      ignoreStdin: true,
      description: 'NOS to stake, e.g. 1000 or 12.5',
      required: true,
    }),
  };
  static override flags = {
    days: Flags.integer({ summary: 'how long the stake is locked: 14 to 365 days', required: true }),
  };

  async run(): Promise<StakeCreateResult> {
    const { args, flags } = await this.parse(StakeCreate);
    const amount = await parseStakeAmount(args.amount, { allowZero: true });
    const client = await this.client(flags, { wallet: 'read' });
    const { signature, stake } = await spin(this.jsonEnabled(), 'Staking', () =>
      client.staking.create({ amount, days: flags.days }),
    );
    const json = await stakeJson(stake!);
    this.log(
      `Staked ${json.amount.nos} NOS for ${flags.days} days: ${json.xnos.xnos} xNOS.\n${stakeDetails(json)}`,
    );
    return { signature, stake: json };
  }
}
