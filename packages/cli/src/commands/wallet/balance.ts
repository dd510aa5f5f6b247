import { Args } from '@oclif/core';
import { NetworkCommand } from '../../network-command.js';
import { details, spin } from '../../output.js';

/** What `nosana wallet balance --json` returns (amounts in base units, as strings). */
export interface WalletBalanceResult {
  address: string;
  network: string;
  /** Lamports. */
  sol: string;
  /** NOS base units (6 decimals). */
  nos: string;
  /** Staked xNOS (base units), or null without a stake account. */
  xnos: string | null;
}

export default class WalletBalance extends NetworkCommand<WalletBalanceResult> {
  static override summary = 'show SOL, NOS and staked xNOS of the wallet or of any address';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> 9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin --network mainnet',
  ];
  static override args = {
    address: Args.string({
      ignoreStdin: true,
      description: 'address to look at (default: the wallet’s)',
    }),
  };

  async run(): Promise<WalletBalanceResult> {
    const { args, flags } = await this.parse(WalletBalance);
    const client = await this.client(flags, { wallet: args.address ? 'none' : 'create' });
    const address = args.address ?? client.address().toBase58();
    const [{ sol, nos }, stake] = await spin(this.jsonEnabled(), 'Fetching balances', () =>
      Promise.all([client.balances(address), client.staking.get(address)]),
    );
    const { formatNos } = await import('@nosana/core');
    this.log(
      details([
        ['address', address],
        ['network', client.network.name],
        ['SOL', (Number(sol) / 1e9).toFixed(9).replace(/\.?0+$/, '')],
        ['NOS', formatNos(nos)],
        ['staked', stake ? `${formatNos(stake.xnos)} xNOS` : 'no stake account'],
      ]),
    );
    return {
      address,
      network: client.network.name,
      sol: sol.toString(),
      nos: nos.toString(),
      xnos: stake ? stake.xnos.toString() : null,
    };
  }
}
