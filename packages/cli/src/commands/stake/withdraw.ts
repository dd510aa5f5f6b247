import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';
import { type NosAmount, type StakeJson, stakeDetails, stakeJson } from '../../stake.js';

/** What `nosana stake withdraw --json` returns. */
export interface StakeWithdrawResult {
  signature: string;
  withdrawn: NosAmount;
  stake: StakeJson;
}

export default class StakeWithdraw extends NetworkCommand<StakeWithdrawResult> {
  static override summary =
    'withdraw the NOS an unstaked stake has released so far (all of it after its duration)';
  static override examples = ['<%= config.bin %> <%= command.id %>'];

  async run(): Promise<StakeWithdrawResult> {
    const { flags } = await this.parse(StakeWithdraw);
    const client = await this.client(flags, { wallet: 'read' });
    const { signature, withdrawn, stake } = await spin(this.jsonEnabled(), 'Withdrawing', () =>
      client.staking.withdraw(),
    );
    const json = await stakeJson(stake!);
    const { formatNos } = await import('@nosana/core');
    const rest =
      json.vault.nosBaseUnits === '0'
        ? 'the vault is empty: close the stake to get its rent back'
        : `${json.vault.nos} NOS left, all unlocked at ${json.unlock?.end}`;
    this.log(`Withdrew ${formatNos(withdrawn)} NOS (${rest}).\n${stakeDetails(json)}`);
    return {
      signature,
      withdrawn: { nos: formatNos(withdrawn), nosBaseUnits: withdrawn.toString() },
      stake: json,
    };
  }
}
