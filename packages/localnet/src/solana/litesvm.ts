/**
 * The one place the localnet reaches into litesvm's private module.
 *
 * Why `litesvm/dist/internal.js`: litesvm's public `LiteSVM` class speaks `@solana/kit` (v2) types and hides its
 * native `LiteSvm` (`private inner`), while the ledger works on wire bytes and `@solana/web3.js` v1 keys and
 * needs native calls the public class does not expose (`getProgramAccounts`, `setSlotHashes`, `saveToFile` /
 * `loadFromFile`, legacy and versioned send/simulate on raw bytes). litesvm is pinned exactly
 * (package.json); `litesvm.test.ts` checks every member used here exists, so an upgrade that moves the private
 * API fails that test by name instead of failing at run time.
 */
export {
  Account,
  FailedTransactionMetadata,
  type InstructionErrorCustom,
  LiteSvm,
  type TransactionErrorInstructionError,
  type TransactionMetadata,
} from 'litesvm/dist/internal.js';

/** The members of the native `LiteSvm` the ledger calls (checked by `litesvm.test.ts`). */
export const LITESVM_MEMBERS_USED = [
  'setBlockhashCheck',
  'setSigverify',
  'setTransactionHistory',
  'setLamports',
  'getClock',
  'setClock',
  'warpToSlot',
  'expireBlockhash',
  'latestBlockhash',
  'setSlotHashes',
  'getAccount',
  'setAccount',
  'getBalance',
  'getProgramAccounts',
  'minimumBalanceForRentExemption',
  'airdrop',
  'sendLegacyTransaction',
  'sendVersionedTransaction',
  'simulateLegacyTransaction',
  'simulateVersionedTransaction',
  'saveToFile',
] as const;
