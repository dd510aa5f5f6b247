import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';
import { type NosAmount, type StakeJson, stakeDetails, stakeJson } from '../../stake.js';

/** What `nosana stake unstake --json` returns. */
export interface StakeUnstakeResult {
  signature: string;
  stake: StakeJson;
  /** Rewards claimed into the wallet when leaving the rewards (0 when the stake had not entered them). */
  rewardsClaimed: NosAmount;
}

export default class StakeUnstake extends NetworkCommand<StakeUnstakeResult> {
  static override summary =
    'start the unlock: xNOS drops to 0, the NOS is released linearly over the duration';
  static override examples = ['<%= config.bin %> <%= command.id %>'];

  async run(): Promise<StakeUnstakeResult> {
    const { flags } = await this.parse(StakeUnstake);
    const client = await this.client(flags, { wallet: 'read' });
    const { signature, stake, rewardsClaimed } = await spin(this.jsonEnabled(), 'Unstaking', () =>
      client.staking.unstake(),
    );
    const json = await stakeJson(stake!);
    const { formatNos } = await import('@nosana/core');
    const claimed =
      rewardsClaimed > 0n ? ` Claimed ${formatNos(rewardsClaimed)} NOS of rewards into the wallet.` : '';
    this.log(
      `Unstaked: ${json.amount.nos} NOS unlock linearly until ${json.unlock?.end} (withdraw as it is released; restake to stop).${claimed}\n${stakeDetails(json)}`,
    );
    return {
      signature,
      stake: json,
      rewardsClaimed: { nos: formatNos(rewardsClaimed), nosBaseUnits: rewardsClaimed.toString() },
    };
  }
}
