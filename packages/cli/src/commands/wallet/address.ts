import { NetworkCommand } from '../../network-command.js';

/** What `nosana wallet address --json` returns. */
export interface WalletAddressResult {
  address: string;
  path: string;
}

export default class WalletAddress extends NetworkCommand<WalletAddressResult> {
  static override summary = 'print the wallet’s address (creating the wallet on first use)';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --wallet ./host.json',
  ];

  async run(): Promise<WalletAddressResult> {
    const { flags } = await this.parse(WalletAddress);
    const client = await this.client(flags);
    const address = client.address().toBase58();
    this.log(address);
    return { address, path: this.wallet!.path };
  }
}
