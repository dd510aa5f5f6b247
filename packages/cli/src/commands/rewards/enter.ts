import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';
import { type RewardsJson, rewardsDetails, rewardsJson } from '../../rewards.js';

/** What `nosana rewards enter --json` returns. */
export interface RewardsEnterResult {
  signature: string;
  rewards: RewardsJson | null;
}

export default class RewardsEnter extends NetworkCommand<RewardsEnterResult> {
  static override summary =
    'enter the rewards with the stake’s xNOS (a stake made by `stake create` has already)';
  static override examples = ['<%= config.bin %> <%= command.id %>'];

  async run(): Promise<RewardsEnterResult> {
    const { flags } = await this.parse(RewardsEnter);
    const client = await this.client(flags, { wallet: 'read' });
    const { signature, rewards } = await spin(this.jsonEnabled(), 'Entering the rewards', () =>
      client.rewards.enter(),
    );
    const json = rewards ? await rewardsJson(rewards) : null;
    this.log(`Entered the rewards.${json ? `\n${rewardsDetails(json)}` : ''}`);
    return { signature, rewards: json };
  }
}
