import { Flags } from '@oclif/core';
import { solanaAddress } from '../../input.js';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';

/** What `nosana wallet airdrop --json` returns (base units, as strings). */
export interface WalletAirdropResult {
  address: string;
  sol: string;
  nos: string;
  signatures: string[];
}

export default class WalletAirdrop extends NetworkCommand<WalletAirdropResult> {
  static override summary = 'get SOL and NOS from the network’s faucets (SOL+NOS on localnet, SOL on devnet)';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --sol 2 --nos 500',
    '<%= config.bin %> <%= command.id %> --network devnet --sol 1',
  ];
  static override flags = {
    sol: Flags.string({ summary: 'SOL to request (default 10 on localnet, 1 on devnet)' }),
    nos: Flags.string({ summary: 'NOS to request (localnet only; default 1000 there)' }),
    to: Flags.string({ summary: 'address to fund (default: the wallet’s)' }),
  };

  async run(): Promise<WalletAirdropResult> {
    const { flags } = await this.parse(WalletAirdrop);
    const { parseNos, formatNos } = await import('@nosana/core');
    const localnet = flags.network === 'localnet';
    const sol = await parseSol(flags.sol ?? (localnet ? '10' : '1'));
    const nos = flags.nos !== undefined ? parseNos(flags.nos) : localnet ? parseNos('1000') : 0n;
    // Every amount is checked before the first request, so a refused one credits nothing at all.
    await checkAmounts({ sol, nos, network: flags.network, nosGiven: flags.nos !== undefined });
    if (flags.to !== undefined) await solanaAddress(flags.to, '--to');
    const client = await this.client(flags, { wallet: flags.to ? 'none' : 'create' });
    const to = flags.to ?? client.address().toBase58();
    const { signatures } = await spin(this.jsonEnabled(), `Airdropping to ${to}`, () =>
      client.airdrop({ sol, nos, to }),
    );
    this.log(`Airdropped ${Number(sol) / 1e9} SOL${nos > 0n ? ` and ${formatNos(nos)} NOS` : ''} to ${to}`);
    return { address: to, sol: sol.toString(), nos: nos.toString(), signatures };
  }
}

async function parseSol(text: string): Promise<bigint> {
  const { NosanaError } = await import('@nosana/core');
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!match) {
    throw new NosanaError(
      'CLI__INVALID_FLAG',
      `--sol must be an amount of SOL with at most 9 decimals, e.g. 1.5 — got "${text}"`,
      { flag: 'sol', value: text },
    );
  }
  return BigInt(match[1]!) * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/** The localnet NOS faucet's limit per request (`MAX_FAUCET_NOS` of @nosana/localnet), in base units. */
export const MAX_FAUCET_NOS = 1_000_000n * 1_000_000n;

async function checkAmounts({
  sol,
  nos,
  network,
  nosGiven,
}: {
  sol: bigint;
  nos: bigint;
  network: string;
  nosGiven: boolean;
}): Promise<void> {
  const { NosanaError, formatNos } = await import('@nosana/core');
  if (sol <= 0n && nos <= 0n)
    throw new NosanaError('CLI__INVALID_FLAG', 'nothing to airdrop: give --sol or --nos more than 0', {
      flag: 'sol',
      value: String(sol),
    });
  if (nosGiven && nos > 0n && network !== 'localnet')
    throw new NosanaError(
      'CLI__INVALID_FLAG',
      `--nos: ${network} has no NOS faucet (only the localnet has one) — buy or transfer NOS; nothing was airdropped`,
      { flag: 'nos', value: formatNos(nos) },
    );
  if (nos > MAX_FAUCET_NOS)
    throw new NosanaError(
      'CLI__INVALID_FLAG',
      `--nos ${formatNos(nos)} is more than the faucet gives per request (${formatNos(MAX_FAUCET_NOS)} NOS); nothing was airdropped`,
      { flag: 'nos', value: formatNos(nos) },
    );
}
