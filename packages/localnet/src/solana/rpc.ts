/**
 * The Solana JSON-RPC methods of the localnet, over a {@link Bank}. Enough of the API for unmodified
 * @solana/web3.js v1, @solana/spl-token and Anchor clients; everything is `finalized` as soon as it is processed.
 */
import type { LocalnetRpcParams, LocalnetRpcResult } from '@nosana/chain';
import { base58, base64 } from '@scure/base';
import { AccountLayout, MintLayout, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { PublicKey, VersionedTransaction } from '@solana/web3.js';
import type { AccountRecord, Bank, ProcessResult } from './bank.js';
import { compileFilters } from './filters.js';
import { RpcError } from './rpc-error.js';
import { transactionErrorMessage } from './transaction-errors.js';

export { RpcError };

/** Methods the localnet adds to the Solana API (`localnet_*`; their JSON shapes are typed in `@nosana/chain`). */
export interface LocalnetExtensions {
  info(): LocalnetRpcResult<'localnet_info'>;
  airdropNos(owner: string, amount: bigint): LocalnetRpcResult<'localnet_airdropNos'>;
}

const API_VERSION = '2.2.0';
const GENESIS_HASH = 'EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG';
const BPF_UPGRADEABLE = 'BPFLoaderUpgradeab1e11111111111111111111111';
const TOKEN_PROGRAMS = new Set([TOKEN_PROGRAM_ID.toBase58(), TOKEN_2022_PROGRAM_ID.toBase58()]);

type Encoding = 'base58' | 'base64' | 'base64+zstd' | 'jsonParsed' | 'json';
interface AccountConfig {
  encoding?: Encoding;
  dataSlice?: { offset: number; length: number };
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

  const accountJson = (address: string, account: AccountRecord | null, config: AccountConfig = {}) => {
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
    if (config.encoding === 'base64+zstd')
      throw new RpcError(-32602, 'base64+zstd encoding is not supported by the localnet; use base64');
    return { ...base, data: [base64.encode(data), 'base64'] };
  };

  const decodeTransaction = (params: unknown[]): Uint8Array => {
    const encoding = (params[1] as { encoding?: string } | undefined)?.encoding ?? 'base58';
    const text = params[0];
    if (typeof text !== 'string')
      throw new RpcError(-32602, 'invalid transaction: expected an encoded string');
    try {
      return encoding === 'base64' ? base64.decode(text) : base58.decode(text);
    } catch {
      throw new RpcError(-32602, `invalid transaction: not ${encoding}`);
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
    const owner = address(params[0]);
    const filter = (params[1] ?? {}) as { mint?: string; programId?: string };
    const config = (params[2] ?? {}) as AccountConfig;
    const programs = filter.programId ? [address(filter.programId)] : [...TOKEN_PROGRAMS];
    // A token account (165 bytes, or more with Token-2022 extensions) has its mint at 0 and its owner at 32.
    const isOwned = compileFilters([
      { memcmp: { offset: 32, bytes: owner } },
      ...(filter.mint ? [{ memcmp: { offset: 0, bytes: address(filter.mint) } }] : []),
    ]);
    const out: unknown[] = [];
    for (const program of programs) {
      for (const { address: pubkey, account } of bank.programAccounts(
        program,
        (data) => data.length >= 165 && isOwned(data),
      ))
        out.push({ pubkey, account: accountJson(pubkey, account, config) });
    }
    return withContext(out);
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
    isBlockhashValid: (p) => withContext(bank.isBlockhashValid(String(p[0]))),
    getMinimumBalanceForRentExemption: (p) => Number(bank.rentExempt(Number(p[0]))),
    getBalance: (p) => withContext(Number(bank.getBalance(address(p[0])))),
    getAccountInfo: (p) =>
      withContext(accountJson(address(p[0]), bank.getAccount(address(p[0])), p[1] as AccountConfig)),
    getMultipleAccounts: (p) => {
      const keys = p[0] as string[];
      if (!Array.isArray(keys) || keys.length > 100)
        throw new RpcError(-32602, 'expected an array of at most 100 addresses');
      return withContext(
        keys.map((k) => accountJson(address(k), bank.getAccount(address(k)), p[1] as AccountConfig)),
      );
    },
    getProgramAccounts: (p) => {
      const config = (p[1] ?? {}) as AccountConfig & {
        filters?: Array<Record<string, unknown>>;
        withContext?: boolean;
      };
      const out = bank
        .programAccounts(address(p[0]), compileFilters(config.filters ?? []))
        .map(({ address: key, account }) => ({ pubkey: key, account: accountJson(key, account, config) }));
      return config.withContext ? withContext(out) : out;
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
      const lamports = Number(p[1]);
      if (!Number.isSafeInteger(lamports) || lamports <= 0)
        throw new RpcError(-32602, 'airdrop amount must be a positive integer of lamports');
      return bank.airdrop(address(p[0]), BigInt(lamports));
    },
    getFeeForMessage: (p) => {
      const bytes = base64.decode(String(p[0]));
      // A message is a transaction without signatures: prepend an empty signature section to parse it.
      const signatures = (bytes[0]! & 0x80 ? bytes[1]! : bytes[0]!) & 0x7f;
      const wire = new Uint8Array(1 + 64 * signatures + bytes.length);
      wire[0] = signatures;
      wire.set(bytes, 1 + 64 * signatures);
      return withContext(bank.feeOf(VersionedTransaction.deserialize(wire)));
    },
    getSignatureStatuses: (p) =>
      withContext(
        (p[0] as string[]).map((signature) => {
          const status = bank.status(signature);
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
      const limit = Math.min(1000, Number((p[1] as { limit?: number } | undefined)?.limit ?? 1000));
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
      const status = bank.status(String(p[0]));
      if (!status?.bytes) return null;
      const encoding = (p[1] as { encoding?: string } | undefined)?.encoding ?? 'json';
      const tx = VersionedTransaction.deserialize(status.bytes);
      const message = tx.message;
      const transaction =
        encoding === 'base64'
          ? [base64.encode(status.bytes), 'base64']
          : {
              signatures: tx.signatures.map((s) => base58.encode(s)),
              message: {
                accountKeys: message.staticAccountKeys.map((k) => k.toBase58()),
                header: message.header,
                recentBlockhash: message.recentBlockhash,
                instructions: message.compiledInstructions.map((ix) => ({
                  programIdIndex: ix.programIdIndex,
                  accounts: ix.accountKeyIndexes,
                  data: base58.encode(ix.data),
                  stackHeight: null,
                })),
                ...(tx.version === 0
                  ? {
                      addressTableLookups: message.addressTableLookups.map((l) => ({
                        accountKey: l.accountKey.toBase58(),
                        writableIndexes: l.writableIndexes,
                        readonlyIndexes: l.readonlyIndexes,
                      })),
                    }
                  : {}),
              },
            };
      const loaded = status.accountKeys.slice(message.staticAccountKeys.length);
      const writableLoaded =
        tx.version === 0 ? message.addressTableLookups.reduce((n, l) => n + l.writableIndexes.length, 0) : 0;
      return {
        slot: status.slot,
        blockTime: status.blockTime,
        version: tx.version,
        transaction,
        meta: {
          err: status.err,
          status: status.err ? { Err: status.err } : { Ok: null },
          fee: status.fee,
          preBalances: status.preBalances,
          postBalances: status.postBalances,
          innerInstructions: [],
          logMessages: status.logs,
          preTokenBalances: [],
          postTokenBalances: [],
          rewards: [],
          computeUnitsConsumed: status.unitsConsumed,
          loadedAddresses: {
            writable: loaded.slice(0, writableLoaded),
            readonly: loaded.slice(writableLoaded),
          },
        },
      };
    },
    sendTransaction: (p) => {
      const bytes = decodeTransaction(p);
      const config = (p[1] ?? {}) as { skipPreflight?: boolean };
      if (!config.skipPreflight) {
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
    simulateTransaction: (p) => {
      let bytes = decodeTransaction(p);
      const config = (p[1] ?? {}) as {
        sigVerify?: boolean;
        replaceRecentBlockhash?: boolean;
        accounts?: { addresses: string[]; encoding?: Encoding };
      };
      if (config.sigVerify && config.replaceRecentBlockhash)
        throw new RpcError(-32602, 'sigVerify may not be used with replaceRecentBlockhash');
      let replacement: { blockhash: string; lastValidBlockHeight: number } | undefined;
      if (config.replaceRecentBlockhash) {
        const tx = VersionedTransaction.deserialize(bytes);
        replacement = bank.latestBlockhash();
        tx.message.recentBlockhash = replacement.blockhash;
        bytes = tx.serialize();
      }
      const result = bank.process(bytes, { simulate: true, sigVerify: config.sigVerify === true });
      const accounts = config.accounts?.addresses.map((k) => {
        const after = result.postAccounts?.get(k);
        return accountJson(k, after === undefined ? bank.getAccount(k) : after, {
          encoding: config.accounts?.encoding ?? 'base64',
        });
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
    },
    getRecentPrioritizationFees: () => [],
    getBlockTime: () => bank.unixTime(),
    getStakeMinimumDelegation: () => withContext(1_000_000_000),
    localnet_info: (): LocalnetRpcResult<'localnet_info'> => extensions.info(),
    localnet_airdropNos: (p): LocalnetRpcResult<'localnet_airdropNos'> => {
      const [owner, amount] = p as Partial<LocalnetRpcParams<'localnet_airdropNos'>>;
      return extensions.airdropNos(address(owner), BigInt(String(amount)));
    },
    localnet_advanceClock: (p) => bank.advanceClock(Number(p[0])),
    localnet_warpSlots: (p) => {
      bank.advance(Number(p[0]));
      return bank.currentSlot;
    },
  };

  /** Runs one JSON-RPC method. Unknown methods answer an error that names the method. */
  return function handle(method: string, params: unknown[] = []): unknown {
    bank.advance();
    const implementation = methods[method];
    if (!implementation)
      throw new RpcError(-32601, `Method not found: ${method} is not supported by the Nosana localnet`);
    return implementation(Array.isArray(params) ? params : []);
  };
}

function address(value: unknown): string {
  if (typeof value !== 'string') throw new RpcError(-32602, 'Invalid param: expected a base58 address');
  try {
    return new PublicKey(value).toBase58();
  } catch {
    throw new RpcError(-32602, `Invalid param: "${value}" is not a valid address`);
  }
}

function uiAmount(amount: bigint, decimals: number) {
  const divisor = 10 ** decimals;
  const whole = amount / BigInt(divisor);
  const fraction = (amount % BigInt(divisor)).toString().padStart(decimals, '0').replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : `${whole}`;
  return { amount: amount.toString(), decimals, uiAmount: Number(text), uiAmountString: text };
}

/** `jsonParsed` data of SPL token accounts and mints; undefined for anything else. */
function parseTokenData(
  account: AccountRecord,
  decimalsOf: (mint: string) => number | undefined,
): { program: string; parsed: { type: string; info: unknown }; space: number } | undefined {
  if (!TOKEN_PROGRAMS.has(account.owner)) return undefined;
  const program = account.owner === TOKEN_PROGRAM_ID.toBase58() ? 'spl-token' : 'spl-token-2022';
  const data = Buffer.from(account.data);
  if (data.length === MintLayout.span || (data.length > 165 && data[165] === 1)) {
    const mint = MintLayout.decode(data.subarray(0, MintLayout.span));
    return {
      program,
      space: data.length,
      parsed: {
        type: 'mint',
        info: {
          decimals: mint.decimals,
          freezeAuthority: mint.freezeAuthorityOption ? mint.freezeAuthority.toBase58() : null,
          isInitialized: mint.isInitialized,
          mintAuthority: mint.mintAuthorityOption ? mint.mintAuthority.toBase58() : null,
          supply: mint.supply.toString(),
        },
      },
    };
  }
  if (data.length >= AccountLayout.span) {
    const token = AccountLayout.decode(data.subarray(0, AccountLayout.span));
    const mint = decimalsOf(token.mint.toBase58());
    return {
      program,
      space: data.length,
      parsed: {
        type: 'account',
        info: {
          isNative: token.isNativeOption === 1,
          mint: token.mint.toBase58(),
          owner: token.owner.toBase58(),
          state: token.state === 2 ? 'frozen' : token.state === 1 ? 'initialized' : 'uninitialized',
          tokenAmount: uiAmount(token.amount, mint ?? 0),
        },
      },
    };
  }
  return undefined;
}
