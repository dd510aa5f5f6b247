import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';
import type { NosAmount } from '../../stake.js';

/** What `nosana stake close --json` returns. */
export interface StakeCloseResult {
  signature: string;
  /** The closed stake account. */
  address: string;
  /** What was left in the vault and withdrawn in the same transaction. */
  withdrawn: NosAmount;
}

export default class StakeClose extends NetworkCommand<StakeCloseResult> {
  static override summary =
    'close a fully unlocked stake: withdraws what is left and returns the accounts’ rent';
  static override examples = ['<%= config.bin %> <%= command.id %>'];

  async run(): Promise<StakeCloseResult> {
    const { flags } = await this.parse(StakeClose);
    const client = await this.client(flags, { wallet: 'read' });
    const { stakeAddress } = await import('@nosana/chain');
    const address = stakeAddress(client.address(), client.ids).address.toBase58();
    const { signature, withdrawn } = await spin(this.jsonEnabled(), 'Closing the stake', () =>
      client.staking.close(),
    );
    const { formatNos } = await import('@nosana/core');
    this.log(
      `Closed stake ${address}${withdrawn > 0n ? ` and withdrew the last ${formatNos(withdrawn)} NOS` : ''}.`,
    );
    return {
      signature,
      address,
      withdrawn: { nos: formatNos(withdrawn), nosBaseUnits: withdrawn.toString() },
    };
  }
}
