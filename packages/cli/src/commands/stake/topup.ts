import { Args } from '@oclif/core';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';
import { type NosAmount, parseStakeAmount, type StakeJson, stakeDetails, stakeJson } from '../../stake.js';

/** What `nosana stake topup --json` returns. */
export interface StakeTopupResult {
  signature: string;
  added: NosAmount;
  stake: StakeJson;
}

export default class StakeTopup extends NetworkCommand<StakeTopupResult> {
  static override summary = 'add NOS to the wallet’s stake (its duration stays the same)';
  static override examples = ['<%= config.bin %> <%= command.id %> 500'];
  static override args = {
    amount: Args.string({ ignoreStdin: true, description: 'NOS to add, e.g. 500 or 0.5', required: true }),
  };

  async run(): Promise<StakeTopupResult> {
    const { args, flags } = await this.parse(StakeTopup);
    const amount = await parseStakeAmount(args.amount);
    const client = await this.client(flags, { wallet: 'read' });
    const { signature, stake } = await spin(this.jsonEnabled(), 'Topping up the stake', () =>
      client.staking.topup(amount),
    );
    const json = await stakeJson(stake!);
    const { formatNos } = await import('@nosana/core');
    this.log(`Added ${formatNos(amount)} NOS: ${json.xnos.xnos} xNOS now.\n${stakeDetails(json)}`);
    return { signature, added: { nos: formatNos(amount), nosBaseUnits: amount.toString() }, stake: json };
  }
}
