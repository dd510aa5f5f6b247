import { Args } from '@oclif/core';
import { solanaAddress } from '../../input.js';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';
import { type RewardsJson, rewardsDetails, rewardsJson } from '../../rewards.js';

/** What `nosana rewards get --json` returns: the rewards, or null when the address has not entered them. */
export interface RewardsGetResult {
  authority: string;
  network: string;
  rewards: RewardsJson | null;
}

export default class RewardsGet extends NetworkCommand<RewardsGetResult> {
  static override summary = 'show a staker’s rewards: what a claim pays now, xNOS entered, share of new fees';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> 9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin --json',
  ];
  static override args = {
    address: Args.string({ ignoreStdin: true, description: 'the staker’s address (default: the wallet’s)' }),
  };

  async run(): Promise<RewardsGetResult> {
    const { args, flags } = await this.parse(RewardsGet);
    if (args.address !== undefined) await solanaAddress(args.address, 'the address argument');
    const client = await this.client(flags, { wallet: args.address ? 'none' : 'read' });
    const authority = args.address ?? client.address().toBase58();
    const rewards = await spin(this.jsonEnabled(), 'Fetching the rewards', () =>
      client.rewards.get(authority),
    );
    const json = rewards ? await rewardsJson(rewards) : null;
    this.log(
      json
        ? rewardsDetails(json)
        : `${authority} has not entered the rewards on ${client.network.name} (nosana stake create enters them; nosana rewards enter for an older stake).`,
    );
    return { authority, network: client.network.name, rewards: json };
  }
}
