import { Flags } from '@oclif/core';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';
import { type StakeJson, stakeDetails, stakeJson } from '../../stake.js';

/** What `nosana stake extend --json` returns. */
export interface StakeExtendResult {
  signature: string;
  /** Days added to the duration. */
  addedDays: number;
  stake: StakeJson;
}

export default class StakeExtend extends NetworkCommand<StakeExtendResult> {
  static override summary = 'lengthen the wallet’s stake (at most 365 days in all): more xNOS';
  static override examples = ['<%= config.bin %> <%= command.id %> --days 30'];
  static override flags = {
    days: Flags.integer({ summary: 'days to add to the duration', required: true }),
  };

  async run(): Promise<StakeExtendResult> {
    const { flags } = await this.parse(StakeExtend);
    const client = await this.client(flags, { wallet: 'read' });
    const { signature, stake } = await spin(this.jsonEnabled(), 'Extending the stake', () =>
      client.staking.extend({ days: flags.days }),
    );
    const json = await stakeJson(stake!);
    this.log(`Extended by ${flags.days} days: ${json.xnos.xnos} xNOS now.\n${stakeDetails(json)}`);
    return { signature, addedDays: flags.days, stake: json };
  }
}
