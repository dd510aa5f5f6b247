/**
 * The Solana JSON-RPC methods of the localnet, over a {@link Bank}. Enough of the API for unmodified
 * @solana/web3.js v1, @solana/spl-token and Anchor clients; everything is `finalized` as soon as it is processed.
 * Every parameter is checked (type, length, range) before it is decoded or used; a bad one answers -32602.
 */
import { isNosanaError } from '@nosana/core';
import { base58, base64 } from '@scure/base';
import { MintLayout } from '@solana/spl-token';
import { VersionedTransaction } from '@solana/web3.js';
import type { AccountRecord, Bank, ProcessResult } from './bank.js';
import { compileFilters } from './filters.js';
import {
  address,
  baseUnits,
  blockhash,
  config,
  encodedTransaction,
  integer,
  list,
  MAX_MULTIPLE_ACCOUNTS,
  MAX_SIGNATURE_STATUSES,
  oneOf,
  preview,
  signature,
} from './params.js';
import { RpcError } from './rpc-error.js';
import { parseTokenData, TOKEN_PROGRAMS, uiAmount } from './token-data.js';
import { transactionErrorMessage } from './transaction-errors.js';
import { transactionJson } from './transaction-json.js';

export { RpcError };

/** Methods the localnet adds to the Solana API (`localnet_*`). */
export interface LocalnetExtensions {
  info(): unknown;
  airdropNos(owner: string, amount: bigint): string;
}

const API_VERSION = '2.2.0';
const GENESIS_HASH = 'EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG';
const BPF_UPGRADEABLE = 'BPFLoaderUpgradeab1e11111111111111111111111';
/** Largest account Solana allows (10 MiB): also the bound of rent and `dataSlice` parameters. */
const MAX_ACCOUNT_SIZE = 10 * 1024 * 1024;
/** Most seconds `localnet_advanceClock` moves in one call (100 years). */
const MAX_CLOCK_ADVANCE = 100 * 365 * 86_400;
/** Most slots `localnet_warpSlots` moves in one call. */
const MAX_WARP_SLOTS = 1_000_000_000;

/** Account data encodings of the account methods. */
export const ACCOUNT_ENCODINGS = ['base58', 'base64', 'base64+zstd', 'jsonParsed', 'json'] as const;
type Encoding = (typeof ACCOUNT_ENCODINGS)[number];
interface AccountConfig {
  encoding: Encoding;
  dataSlice?: { offset: number; length: number };
}

/**
 * Checks an account configuration (`encoding`, `dataSlice`) of `getAccountInfo`-like methods and subscriptions.
 *
 * @example
 * ```ts
 * accountConfig({ encoding: 'base64', dataSlice: { offset: 0, length: 8 } });
 * ```
 */
export function accountConfig(value: unknown): AccountConfig {
  const raw = config<{ encoding: unknown; dataSlice: unknown }>(value);
  const encoding = oneOf(raw.encoding, 'encoding', ACCOUNT_ENCODINGS, 'base64');
  if (encoding === 'base64+zstd')
    throw new RpcError(-32602, 'base64+zstd encoding is not supported by the localnet; use base64');
  if (raw.dataSlice === undefined || raw.dataSlice === null) return { encoding };
  const slice = config<{ offset: unknown; length: unknown }>(raw.dataSlice, 'dataSlice');
  return {
    encoding,
    dataSlice: {
      offset: integer(slice.offset, 'dataSlice.offset', 0, MAX_ACCOUNT_SIZE),
      length: integer(slice.length, 'dataSlice.length', 0, MAX_ACCOUNT_SIZE),
    },
  };
}

/** Creates the method dispatcher of a localnet. */
export function createRpcHandler(bank: Bank, extensions: LocalnetExtensions) {
  const context = () => ({ slot: bank.currentSlot, apiVersion: API_VERSION });
  const decimalsOf = (mint: string): number | undefined => {
    const account = bank.getAccount(mint);
    return account && account.data.length >= MintLayout.span
      ? MintLayout.decode(Buffer.from(account.data)).decimals
      : undefined;
  };
  const parse = (account: AccountRecord) => parseTokenData(account, decimalsOf);
  const withContext = (value: unknown) => ({ context: context(), value });

  const accountJson = (
    address: string,
    account: AccountRecord | null,
    config: AccountConfig = { encoding: 'base64' },
  ) => {
    if (!account) {
      if (bank.isEmulated(address)) {
        // Emulated programs have no program account in litesvm: present them as deployed programs.
        return {
          data: ['', 'base64'],
          executable: true,
          lamports: 1_141_440,
          owner: BPF_UPGRADEABLE,
          rentEpoch: 0,
          space: 36,
        };
      }
      return null;
    }
    const base = {
      executable: account.executable,
      lamports: Number(account.lamports),
      owner: account.owner,
      rentEpoch: 0,
      space: account.data.length,
    };
    if (config.encoding === 'jsonParsed') {
      const parsed = parse(account);
      if (parsed) return { ...base, data: parsed };
    }
    let data = account.data;
    if (config.dataSlice)
      data = data.subarray(config.dataSlice.offset, config.dataSlice.offset + config.dataSlice.length);
    if (config.encoding === 'base58') return { ...base, data: [base58.encode(data), 'base58'] };
    return { ...base, data: [base64.encode(data), 'base64'] };
  };

  const decodeTransaction = (params: unknown[]): Uint8Array => {
    const encoding = oneOf(
      config<{ encoding: unknown }>(params[1]).encoding,
      'encoding',
      ['base58', 'base64'],
      'base58',
    );
    return encodedTransaction(params[0], encoding);
  };
  const deserialize = (bytes: Uint8Array) => {
    try {
      return VersionedTransaction.deserialize(bytes);
    } catch (error) {
      throw new RpcError(-32602, `Invalid params: not a transaction (${(error as Error).message})`);
    }
  };

  const simulationError = (result: Pick<ProcessResult, 'err' | 'logs' | 'unitsConsumed'>) =>
    new RpcError(-32002, `Transaction simulation failed: ${transactionErrorMessage(result.err!)}`, {
      err: result.err,
      logs: result.logs,
      accounts: null,
      unitsConsumed: result.unitsConsumed,
      returnData: null,
    });

  const tokenAccounts = (params: unknown[]) => {
    const owner = address(params[0], 'owner');
    const filter = config<{ mint: unknown; programId: unknown }>(params[1], 'filter');
    if ((filter.mint === undefined) === (filter.programId === undefined))
      throw new RpcError(-32602, 'Invalid params: the filter must name either a mint or a programId');
    const settings = accountConfig(params[2]);
    const programs =
      filter.programId !== undefined ? [address(filter.programId, 'programId')] : [...TOKEN_PROGRAMS];
    // A token account (165 bytes, or more with Token-2022 extensions) has its mint at 0 and its owner at 32.
    const isOwned = compileFilters([
      { memcmp: { offset: 32, bytes: owner } },
      ...(filter.mint !== undefined ? [{ memcmp: { offset: 0, bytes: address(filter.mint, 'mint') } }] : []),
    ]);
    const out: unknown[] = [];
    for (const program of programs) {
      for (const { address: pubkey, account } of bank.programAccounts(
        program,
        (data) => data.length >= 165 && isOwned(data),
      ))
        out.push({ pubkey, account: accountJson(pubkey, account, settings) });
    }
    return withContext(out);
  };

  const simulate = (p: unknown[]) => {
    let bytes = decodeTransaction(p);
    const options = config<{ sigVerify: unknown; replaceRecentBlockhash: unknown; accounts: unknown }>(p[1]);
    if (options.sigVerify === true && options.replaceRecentBlockhash === true)
      throw new RpcError(-32602, 'sigVerify may not be used with replaceRecentBlockhash');
    const wanted = config<{ addresses: unknown; encoding: unknown }>(options.accounts, 'accounts');
    const addresses =
      wanted.addresses === undefined
        ? undefined
        : list(wanted.addresses, 'accounts.addresses', MAX_MULTIPLE_ACCOUNTS).map((k) => address(k));
    const settings = accountConfig({ encoding: wanted.encoding });
    let replacement: { blockhash: string; lastValidBlockHeight: number } | undefined;
    if (options.replaceRecentBlockhash === true) {
      const tx = deserialize(bytes);
      replacement = bank.latestBlockhash();
      tx.message.recentBlockhash = replacement.blockhash;
      bytes = tx.serialize();
    }
    const result = bank.process(bytes, { simulate: true, sigVerify: options.sigVerify === true });
    const accounts = addresses?.map((k) => {
      const after = result.postAccounts?.get(k);
      return accountJson(k, after === undefined ? bank.getAccount(k) : after, settings);
    });
    return withContext({
      err: result.err,
      logs: result.logs,
      accounts: accounts ?? null,
      unitsConsumed: result.unitsConsumed,
      returnData: result.returnData
        ? {
            programId: result.returnData.programId,
            data: [base64.encode(result.returnData.data), 'base64'],
          }
        : null,
      ...(replacement ? { replacementBlockhash: replacement } : {}),
    });
  };

  const methods: Record<string, (params: unknown[]) => unknown> = {
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
    getMinimumBalanceForRentExemption: (p) =>
      Number(bank.rentExempt(integer(p[0], 'data length', 0, MAX_ACCOUNT_SIZE))),
    getBalance: (p) => withContext(Number(bank.getBalance(address(p[0])))),
    getAccountInfo: (p) => {
      const key = address(p[0]);
      return withContext(accountJson(key, bank.getAccount(key), accountConfig(p[1])));
    },
    getMultipleAccounts: (p) => {
      const keys = list(p[0], 'addresses', MAX_MULTIPLE_ACCOUNTS).map((k) => address(k));
      const settings = accountConfig(p[1]);
      return withContext(keys.map((k) => accountJson(k, bank.getAccount(k), settings)));
    },
    getProgramAccounts: (p) => {
      const program = address(p[0], 'program id');
      const raw = config<{ filters: unknown; withContext: unknown }>(p[1]);
      const settings = accountConfig(p[1]);
      const filters = compileFilters((raw.filters ?? []) as Array<Record<string, unknown>>);
      const out = bank
        .programAccounts(program, filters)
        .map(({ address: key, account }) => ({ pubkey: key, account: accountJson(key, account, settings) }));
      return raw.withContext === true ? withContext(out) : out;
    },
    getTokenAccountsByOwner: tokenAccounts,
    getTokenAccountBalance: (p) => {
      const account = bank.getAccount(address(p[0]));
      const parsed = account ? parse(account) : undefined;
      if (parsed?.parsed.type !== 'account') throw new RpcError(-32602, 'Invalid param: not a Token account');
      return withContext((parsed.parsed.info as { tokenAmount: unknown }).tokenAmount);
    },
    getTokenSupply: (p) => {
      const account = bank.getAccount(address(p[0]));
      const parsed = account ? parse(account) : undefined;
      if (parsed?.parsed.type !== 'mint') throw new RpcError(-32602, 'Invalid param: not a Token mint');
      const info = parsed.parsed.info as { supply: string; decimals: number };
      return withContext(uiAmount(BigInt(info.supply), info.decimals));
    },
    requestAirdrop: (p) => {
      const to = address(p[0]);
      if (typeof p[1] !== 'number' || !Number.isSafeInteger(p[1]) || p[1] <= 0)
        throw new RpcError(-32602, 'airdrop amount must be a positive integer of lamports');
      return bank.airdrop(to, BigInt(p[1]));
    },
    getFeeForMessage: (p) => {
      const bytes = encodedTransaction(p[0], 'base64', 'message');
      if (bytes.length === 0) throw new RpcError(-32602, 'Invalid params: the message is empty');
      // A message is a transaction without signatures: prepend an empty signature section to parse it.
      const signatures = (bytes[0]! & 0x80 ? (bytes[1] ?? 0) : bytes[0]!) & 0x7f;
      const wire = new Uint8Array(1 + 64 * signatures + bytes.length);
      wire[0] = signatures;
      wire.set(bytes, 1 + 64 * signatures);
      return withContext(bank.feeOf(deserialize(wire)));
    },
    getSignatureStatuses: (p) =>
      withContext(
        list(p[0], 'signatures', MAX_SIGNATURE_STATUSES).map((item) => {
          const status = bank.status(signature(item));
          if (!status) return null;
          return {
            slot: status.slot,
            confirmations: null,
            err: status.err,
            status: status.err ? { Err: status.err } : { Ok: null },
            confirmationStatus: 'finalized',
          };
        }),
      ),
    getSignaturesForAddress: (p) => {
      const target = address(p[0]);
      const options = config<{ limit: unknown }>(p[1]);
      const limit = options.limit === undefined ? 1000 : integer(options.limit, 'limit', 1, 1000);
      return bank.recentSignatures(target, limit).map(({ signature, status }) => ({
        signature,
        slot: status.slot,
        err: status.err,
        memo: null,
        blockTime: status.blockTime,
        confirmationStatus: 'finalized',
      }));
    },
    getTransaction: (p) => {
      const key = signature(p[0]);
      const encoding = oneOf(
        config<{ encoding: unknown }>(p[1]).encoding,
        'encoding',
        ['json', 'base64'],
        'json',
      );
      return transactionJson(bank.status(key), encoding);
    },
    sendTransaction: (p) => {
      const bytes = decodeTransaction(p);
      const options = config<{ skipPreflight: unknown }>(p[1]);
      if (options.skipPreflight !== true) {
        // A real validator simulates first and rejects a failing transaction without charging a fee.
        const preflight = bank.process(bytes, { simulate: true });
        if (preflight.err) {
          const signature = preflight.signature;
          if (signature && bank.status(signature))
            throw simulationError({ err: 'AlreadyProcessed', logs: [], unitsConsumed: 0 });
          throw simulationError(preflight);
        }
      }
      const result = bank.process(bytes);
      if (result.rejected) throw simulationError(result);
      return result.signature;
    },
    simulateTransaction: (p) => simulate(p),
    getRecentPrioritizationFees: () => [],
    getBlockTime: () => bank.unixTime(),
    getStakeMinimumDelegation: () => withContext(1_000_000_000),
    localnet_info: () => extensions.info(),
    localnet_airdropNos: (p) => extensions.airdropNos(address(p[0]), baseUnits(p[1], 'amount')),
    localnet_advanceClock: (p) => bank.advanceClock(integer(p[0], 'seconds', 0, MAX_CLOCK_ADVANCE)),
    localnet_warpSlots: (p) => {
      bank.advance(integer(p[0], 'slots', 0, MAX_WARP_SLOTS));
      return bank.currentSlot;
    },
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
