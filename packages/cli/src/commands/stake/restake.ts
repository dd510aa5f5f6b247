import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';
import { type StakeJson, stakeDetails, stakeJson } from '../../stake.js';

/** What `nosana stake restake --json` returns. */
export interface StakeRestakeResult {
  signature: string;
  stake: StakeJson;
}

export default class StakeRestake extends NetworkCommand<StakeRestakeResult> {
  static override summary =
    'stake an unstaked stake again with what its vault still holds (the unlock stops)';
  static override examples = ['<%= config.bin %> <%= command.id %>'];

  async run(): Promise<StakeRestakeResult> {
    const { flags } = await this.parse(StakeRestake);
    const client = await this.client(flags, { wallet: 'read' });
    const { signature, stake } = await spin(this.jsonEnabled(), 'Restaking', () => client.staking.restake());
    const json = await stakeJson(stake!);
    this.log(`Restaked ${json.amount.nos} NOS: ${json.xnos.xnos} xNOS.\n${stakeDetails(json)}`);
    return { signature, stake: json };
  }
}
