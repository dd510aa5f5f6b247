import { Args } from '@oclif/core';
import { solanaAddress } from '../../input.js';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';
import { type StakeJson, stakeDetails, stakeJson } from '../../stake.js';

/** What `nosana stake get --json` returns: the stake, or null when the address has none. */
export interface StakeGetResult {
  authority: string;
  network: string;
  stake: StakeJson | null;
}

export default class StakeGet extends NetworkCommand<StakeGetResult> {
  static override summary = 'show a stake: NOS staked, xNOS, duration, and its unlock schedule once unstaked';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> 9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin --network mainnet --json',
  ];
  static override args = {
    address: Args.string({ ignoreStdin: true, description: 'the staker’s address (default: the wallet’s)' }),
  };

  async run(): Promise<StakeGetResult> {
    const { args, flags } = await this.parse(StakeGet);
    if (args.address !== undefined) await solanaAddress(args.address, 'the address argument');
    const client = await this.client(flags, { wallet: args.address ? 'none' : 'read' });
    const authority = args.address ?? client.address().toBase58();
    const stake = await spin(this.jsonEnabled(), 'Fetching the stake', () => client.staking.get(authority));
    const json = stake ? await stakeJson(stake) : null;
    this.log(json ? stakeDetails(json) : `${authority} has no stake on ${client.network.name}.`);
    return { authority, network: client.network.name, stake: json };
  }
}
