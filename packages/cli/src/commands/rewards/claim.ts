import { Flags } from '@oclif/core';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';
import { type RewardsJson, rewardsDetails, rewardsJson } from '../../rewards.js';
import type { NosAmount } from '../../stake.js';

/** What `nosana rewards claim --json` returns. */
export interface RewardsClaimResult {
  signature: string;
  claimed: NosAmount;
  /** What of it went into the stake (`--restake`). */
  restaked: NosAmount;
  rewards: RewardsJson | null;
}

export default class RewardsClaim extends NetworkCommand<RewardsClaimResult> {
  static override summary =
    'claim the wallet’s rewards into its NOS account, or into its stake with --restake';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --restake',
  ];
  static override flags = {
    restake: Flags.boolean({
      description: 'add what is claimed to the stake in the same transaction (more xNOS from then on)',
      default: false,
    }),
  };

  async run(): Promise<RewardsClaimResult> {
    const { flags } = await this.parse(RewardsClaim);
    const client = await this.client(flags, { wallet: 'read' });
    const result = await spin(this.jsonEnabled(), 'Claiming the rewards', () =>
      client.rewards.claim({ restake: flags.restake }),
    );
    const { formatNos } = await import('@nosana/core');
    const nos = (value: bigint): NosAmount => ({ nos: formatNos(value), nosBaseUnits: value.toString() });
    const json = result.rewards ? await rewardsJson(result.rewards) : null;
    const where = flags.restake ? 'into the stake' : 'into the wallet';
    this.log(`Claimed ${formatNos(result.claimed)} NOS ${where}.${json ? `\n${rewardsDetails(json)}` : ''}`);
    return {
      signature: result.signature,
      claimed: nos(result.claimed),
      restaked: nos(result.restaked),
      rewards: json,
    };
  }
}
