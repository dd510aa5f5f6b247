/**
 * The Solana JSON-RPC methods of the localnet, over a {@link Bank}. Enough of the API for unmodified
 * @solana/web3.js v1, @solana/spl-token and Anchor clients; everything is `finalized` as soon as it is processed.
 * Every parameter is checked (type, length, range) before it is decoded or used; a bad one answers -32602.
 */
import type { LocalnetRpcParams, LocalnetRpcResult } from '@nosana/chain';
import { isNosanaError } from '@nosana/core';
import type { Bank } from './bank.js';
import { address, baseUnits, blockhash, integer, preview } from './params.js';
import { accountMethods, createAccountViews } from './rpc-accounts.js';
import type { RpcMethods } from './rpc-config.js';
import { RpcError } from './rpc-error.js';
import { transactionMethods } from './rpc-transactions.js';

export { ACCOUNT_ENCODINGS, accountConfig } from './rpc-config.js';
export { RpcError };

/** Methods the localnet adds to the Solana API (`localnet_*`; their JSON shapes are typed in `@nosana/chain`). */
export interface LocalnetExtensions {
  info(): LocalnetRpcResult<'localnet_info'>;
  airdropNos(owner: string, amount: bigint): LocalnetRpcResult<'localnet_airdropNos'>;
}

const API_VERSION = '2.2.0';
const GENESIS_HASH = 'EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG';
/** Most seconds `localnet_advanceClock` moves in one call (100 years). */
const MAX_CLOCK_ADVANCE = 100 * 365 * 86_400;
/** Most slots `localnet_warpSlots` moves in one call. */
const MAX_WARP_SLOTS = 1_000_000_000;

/** Creates the method dispatcher of a localnet. */
export function createRpcHandler(bank: Bank, extensions: LocalnetExtensions) {
  const views = createAccountViews(bank, API_VERSION);
  const { withContext } = views;
  const methods: RpcMethods = {
    getHealth: () => 'ok',
    getVersion: () => ({ 'solana-core': API_VERSION, 'feature-set': 0 }),
    getGenesisHash: () => GENESIS_HASH,
    getIdentity: () => ({ identity: GENESIS_HASH }),
    getSlot: () => bank.currentSlot,
    getBlockHeight: () => bank.blockHeight,
    getTransactionCount: () => bank.transactionCount,
    getFirstAvailableBlock: () => 0,
    getEpochInfo: () => ({
      absoluteSlot: bank.currentSlot,
      blockHeight: bank.blockHeight,
      epoch: Math.floor(bank.currentSlot / 432_000),
      slotIndex: bank.currentSlot % 432_000,
      slotsInEpoch: 432_000,
      transactionCount: bank.transactionCount,
    }),
    getEpochSchedule: () => ({
      firstNormalEpoch: 0,
      firstNormalSlot: 0,
      leaderScheduleSlotOffset: 432_000,
      slotsPerEpoch: 432_000,
      warmup: false,
    }),
    getLatestBlockhash: () => withContext(bank.latestBlockhash()),
    isBlockhashValid: (p) => withContext(bank.isBlockhashValid(blockhash(p[0]))),
    getBlockTime: () => bank.slotTime(),
    getStakeMinimumDelegation: () => withContext(1_000_000_000),
    localnet_info: (): LocalnetRpcResult<'localnet_info'> => extensions.info(),
    localnet_airdropNos: (p): LocalnetRpcResult<'localnet_airdropNos'> => {
      const [owner, amount] = p as Partial<LocalnetRpcParams<'localnet_airdropNos'>>;
      return extensions.airdropNos(address(owner), baseUnits(amount, 'amount'));
    },
    localnet_advanceClock: (p) => bank.advanceClock(integer(p[0], 'seconds', 0, MAX_CLOCK_ADVANCE)),
    localnet_warpSlots: (p) => {
      bank.advance(integer(p[0], 'slots', 0, MAX_WARP_SLOTS));
      return bank.currentSlot;
    },
    ...accountMethods(bank, views),
    ...transactionMethods(bank, views),
  };

  /**
   * Runs one JSON-RPC method. Unknown methods answer an error that names the method; `params` must be an array
   * (or absent).
   */
  const handle = function handle(method: string, params: unknown = []): unknown {
    bank.advance();
    const implementation = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!implementation)
      throw new RpcError(
        -32601,
        `Method not found: ${preview(method)} is not supported by the Nosana localnet`,
      );
    if (params !== undefined && params !== null && !Array.isArray(params))
      throw new RpcError(-32602, 'Invalid params: params must be an array');
    try {
      return implementation(params ?? []);
    } catch (error) {
      // A request outside the faucet's limits is the caller's mistake, not the server's.
      if (isNosanaError(error, 'LOCALNET__FAUCET_LIMIT'))
        throw new RpcError(-32602, `Invalid params: ${error.message}`, {
          code: error.code,
          ...error.context,
        });
      throw error;
    }
  };
  return Object.assign(handle, { methods: Object.keys(methods) });
}
