import WalletAddress from './wallet/address.js';

/** `nosana address`: the original CLI's name for `nosana wallet address`. */
export default class Address extends WalletAddress {
  static override summary = 'print the wallet’s address (the same as nosana wallet address)';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> -w ./host.json --json',
  ];
}
