import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';
import { type StakeJson, stakeDetails, stakeJson } from '../../stake.js';

/** What `nosana stake unstake --json` returns. */
export interface StakeUnstakeResult {
  signature: string;
  stake: StakeJson;
}

export default class StakeUnstake extends NetworkCommand<StakeUnstakeResult> {
  static override summary =
    'start the unlock: xNOS drops to 0, the NOS is released linearly over the duration';
  static override examples = ['<%= config.bin %> <%= command.id %>'];

  async run(): Promise<StakeUnstakeResult> {
    const { flags } = await this.parse(StakeUnstake);
    const client = await this.client(flags, { wallet: 'read' });
    const { signature, stake } = await spin(this.jsonEnabled(), 'Unstaking', () => client.staking.unstake());
    const json = await stakeJson(stake!);
    this.log(
      `Unstaked: ${json.amount.nos} NOS unlock linearly until ${json.unlock?.end} (withdraw as it is released; restake to stop).\n${stakeDetails(json)}`,
    );
    return { signature, stake: json };
  }
}
