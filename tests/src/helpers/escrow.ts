/** Escrow checks over a localnet's ledger: every NOS token account and how it moved. */
import type { Localnet } from '@nosana/localnet';
import { AccountLayout, TOKEN_PROGRAM_ID } from '@solana/spl-token';

/** Every NOS token account of the localnet and its balance (base units), read from the ledger itself. */
export function nosHoldings(localnet: Localnet): Map<string, bigint> {
  const holdings = new Map<string, bigint>();
  for (const { address, account } of localnet.bank.programAccounts(TOKEN_PROGRAM_ID)) {
    if (account.data.length !== AccountLayout.span) continue;
    const token = AccountLayout.decode(Buffer.from(account.data));
    if (token.mint.toBase58() === localnet.mint) holdings.set(address, token.amount);
  }
  return holdings;
}

/** Changes between two {@link nosHoldings}, non-zero ones only. */
export function holdingChanges(
  before: Map<string, bigint>,
  after: Map<string, bigint>,
): Record<string, bigint> {
  const changes: Record<string, bigint> = {};
  for (const address of new Set([...before.keys(), ...after.keys()])) {
    const change = (after.get(address) ?? 0n) - (before.get(address) ?? 0n);
    if (change !== 0n) changes[address] = change;
  }
  return changes;
}
