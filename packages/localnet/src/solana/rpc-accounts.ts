/**
 * The account methods of the localnet's JSON-RPC (`getAccountInfo`, `getMultipleAccounts`, `getProgramAccounts`,
 * token queries, rent) and the account views they and the transaction methods answer with.
 */
import { base58, base64 } from '@scure/base';
import { MintLayout } from '@solana/spl-token';
import type { AccountRecord, Bank } from './bank.js';
import { compileFilters } from './filters.js';
import { address, config, integer, list, MAX_MULTIPLE_ACCOUNTS } from './params.js';
import { type AccountConfig, accountConfig, type RpcMethods } from './rpc-config.js';
import { RpcError } from './rpc-error.js';
import { parseTokenData, TOKEN_PROGRAMS, uiAmount } from './token-data.js';

const BPF_UPGRADEABLE = 'BPFLoaderUpgradeab1e11111111111111111111111';
/** Largest account Solana allows (10 MiB): also the bound of rent parameters. */
const MAX_ACCOUNT_SIZE = 10 * 1024 * 1024;

/** How accounts are shown in answers. */
export interface AccountViews {
  /** `{ context, value }` at the current slot. */
  withContext(value: unknown): { context: { slot: number; apiVersion: string }; value: unknown };
  /** An account as `getAccountInfo` shows it (emulated programs as deployed programs). */
  accountJson(address: string, account: AccountRecord | null, config?: AccountConfig): unknown;
}

/**
 * The account views over a bank.
 *
 * @example
 * ```ts
 * const views = createAccountViews(bank, '2.2.0');
 * views.accountJson(key, bank.getAccount(key), { encoding: 'base64' });
 * ```
 */
export function createAccountViews(
  bank: Bank,
  apiVersion: string,
): AccountViews & {
  parse(account: AccountRecord): ReturnType<typeof parseTokenData>;
} {
  const decimalsOf = (mint: string): number | undefined => {
    const account = bank.getAccount(mint);
    return account && account.data.length >= MintLayout.span
      ? MintLayout.decode(Buffer.from(account.data)).decimals
      : undefined;
  };
  const parse = (account: AccountRecord) => parseTokenData(account, decimalsOf);
  const withContext = (value: unknown) => ({ context: { slot: bank.currentSlot, apiVersion }, value });
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
  return { withContext, accountJson, parse };
}

/**
 * The account methods.
 *
 * @example
 * ```ts
 * const methods = accountMethods(bank, createAccountViews(bank, '2.2.0'));
 * ```
 */
export function accountMethods(bank: Bank, views: ReturnType<typeof createAccountViews>): RpcMethods {
  const { withContext, accountJson, parse } = views;
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
  return {
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
  };
}
