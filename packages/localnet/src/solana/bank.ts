/**
 * The localnet's ledger: litesvm (the real SVM) for accounts and real programs, plus what a validator adds
 * around it. A facade over separate modules: the slot clock (slots, cluster time, blockhashes —
 * `slot-clock.ts`), the status log (signature statuses and commit events — `status-log.ts`), persistence
 * (`persistence.ts`) and the executor of transactions mixing real and emulated instructions (`executor.ts`,
 * `real-transactions.ts`, `emulated-instruction.ts`).
 */
import { createHash } from 'node:crypto';
import { NosanaError } from '@nosana/core';
import { base58 } from '@scure/base';
import {
  type AccountMeta,
  AddressLookupTableAccount,
  Keypair,
  type PublicKey,
  SystemProgram,
  VersionedTransaction,
} from '@solana/web3.js';
import type { EmulatedProgram } from './emulation.js';
import {
  type AccountRecord,
  type LedgerAccess,
  type ProcessResult,
  processEmulated,
  rejected,
} from './executor.js';
import { Account, FailedTransactionMetadata, LiteSvm } from './litesvm.js';
import { readLedger, writeLedger } from './persistence.js';
import { PriorityFeeLog } from './priority-fees.js';
import { computeUnitPrice, feeOf, LAMPORTS_PER_SIGNATURE, processReal } from './real-transactions.js';
import { BLOCKHASH_VALIDITY, SLOT_MS, SlotClock } from './slot-clock.js';
import { type CommitEvent, StatusLog, type TransactionStatus } from './status-log.js';
import { transactionErrorJson } from './transaction-errors.js';
import '../errors.js';

export type { AccountRecord, CommitEvent, ProcessResult, TransactionStatus };
export { BLOCKHASH_VALIDITY, LAMPORTS_PER_SIGNATURE, SLOT_MS };

const SYSTEM = SystemProgram.programId.toBase58();

/** Options of {@link Bank.create}. */
export interface BankOptions {
  programs?: EmulatedProgram[];
  /** Wall clock in milliseconds (injectable for tests). */
  now?: () => number;
}

/** A v0 message names a lookup table that does not exist. */
class LookupTableNotFound extends Error {
  constructor() {
    super('AddressLookupTableNotFound');
    this.name = 'LookupTableNotFound';
  }
}

const toBytes = (address: string | PublicKey) =>
  typeof address === 'string' ? base58.decode(address) : address.toBytes();

/** The ledger of a localnet. */
export class Bank {
  readonly svm: LiteSvm;
  private readonly emulated = new Map<string, EmulatedProgram>();
  private readonly relayer = Keypair.fromSeed(
    createHash('sha256').update('nosana-localnet-relayer').digest(),
  );
  private readonly clock: SlotClock;
  private readonly log: StatusLog;
  private readonly fees = new PriorityFeeLog();
  /** What the executor may use of this ledger. */
  private readonly access: LedgerAccess;
  /**
   * Bumped before anything that may change an account runs (a transaction, an airdrop, a written account), so a
   * listing cached under an older value is stale.
   */
  private generation = 0;
  /** The accounts of each emulated program as last listed, and the generation they were listed at. */
  private readonly listings = new Map<
    string,
    { generation: number; accounts: Array<{ address: string; account: AccountRecord }> }
  >();

  private constructor(svm: LiteSvm, options: BankOptions, restored?: ReturnType<typeof readLedger>) {
    this.svm = svm;
    for (const program of options.programs ?? []) this.emulated.set(program.programId.toBase58(), program);
    // Blockhashes are checked here against a window (litesvm only knows its single latest one); signature
    // dedup also happens here, so litesvm keeps no history of its own.
    svm.setBlockhashCheck(false);
    svm.setSigverify(true);
    svm.setTransactionHistory(0n);
    svm.setLamports(10n ** 18n);
    this.clock = new SlotClock(svm, options.now ?? Date.now, restored?.state);
    this.log = new StatusLog(restored?.state);
    this.access = {
      svm,
      relayer: this.relayer,
      emulated: this.emulated,
      slot: () => this.clock.currentSlot,
      getAccount: (address) => this.getAccount(address),
      setAccount: (address, record) => this.setAccount(address, record),
      rentExempt: (size) => this.rentExempt(size),
    };
    this.setAccount(this.relayer.publicKey, {
      lamports: 10n ** 17n,
      owner: SYSTEM,
      data: new Uint8Array(0),
      executable: false,
    });
    this.clock.advance(1);
  }

  /** A fresh ledger with the standard programs (System, SPL Token, Token-2022, ATA, …). */
  static create(options: BankOptions = {}): Bank {
    return new Bank(new LiteSvm(), options);
  }

  /** Reopens a ledger saved with {@link Bank.save}, or undefined when `path` holds none. */
  static load(path: string, options: BankOptions = {}): Bank | undefined {
    const saved = readLedger(path);
    return saved ? new Bank(saved.svm, options, saved) : undefined;
  }

  /** Writes the ledger to `<path>.svm` and `<path>.json` (each written to a temp file, then renamed). */
  save(path: string): void {
    writeLedger(path, this.svm, {
      ...this.clock.state(),
      transactionCount: this.log.transactionCount,
      statuses: this.log.persisted(),
    });
  }

  // ---------------------------------------------------------------- slots, clock, blockhashes

  /** Moves slots forward with the wall clock (400 ms per slot), at least `minimum` slots. */
  advance(minimum = 0): void {
    this.clock.advance(minimum);
  }

  /** The cluster's unix time in seconds. */
  unixTime(): number {
    return this.clock.unixTime();
  }

  /** The unix time of the current slot (its Clock sysvar): the block time of what lands in it. */
  slotTime(): number {
    return this.clock.slotTime();
  }

  /** Moves the cluster clock forward by `seconds` (tests of timeouts and payouts). */
  advanceClock(seconds: number): number {
    return this.clock.advanceClock(seconds);
  }

  get currentSlot(): number {
    return this.clock.currentSlot;
  }

  get blockHeight(): number {
    return this.clock.blockHeight;
  }

  /** Transactions recorded since genesis. */
  get transactionCount(): number {
    return this.log.transactionCount;
  }

  /**
   * The latest blockhash. A new one is issued after transactions were committed, so a client sending the same
   * instruction twice in one slot gets two distinct signatures.
   */
  latestBlockhash(): { blockhash: string; lastValidBlockHeight: number } {
    return this.clock.latestBlockhash();
  }

  isBlockhashValid(blockhash: string): boolean {
    return this.clock.isBlockhashValid(blockhash);
  }

  // ---------------------------------------------------------------- accounts

  getAccount(address: string | PublicKey): AccountRecord | null {
    const account = this.svm.getAccount(toBytes(address));
    if (!account) return null;
    return {
      lamports: account.lamports(),
      owner: base58.encode(account.owner()),
      data: account.data(),
      executable: account.executable(),
    };
  }

  /** Writes an account; zero lamports deletes it. */
  setAccount(address: string | PublicKey, record: AccountRecord): void {
    this.generation++;
    this.svm.setAccount(
      toBytes(address),
      new Account(record.lamports, record.data, toBytes(record.owner), record.executable, 0n),
    );
  }

  getBalance(address: string | PublicKey): bigint {
    return this.svm.getBalance(toBytes(address)) ?? 0n;
  }

  /**
   * Accounts owned by `program`; with `filter` (see `compileFilters`), only those whose data passes it. The filter
   * sees the raw data before anything else of the account is read or encoded, so a listing that keeps a few
   * accounts out of many costs little more than the scan itself.
   *
   * @example
   * ```ts
   * const markets = bank.programAccounts(ids.jobs, (data) => isAccountOf('MarketAccount', data));
   * ```
   */
  programAccounts(
    program: string | PublicKey,
    filter?: (data: Uint8Array) => boolean,
  ): Array<{ address: string; account: AccountRecord }> {
    const key = toBytes(program);
    const owner = base58.encode(key);
    // An emulated program's accounts (the Jobs program's grow with every job) are listed once per change of the
    // ledger: between two transactions every node's poll and every client's listing reads the same accounts,
    // and copying each of them out of litesvm again was most of the localnet's time in a 5,000-job market.
    if (!this.emulated.has(owner)) return this.scan(key, owner, filter);
    let listing = this.listings.get(owner);
    if (listing?.generation !== this.generation) {
      listing = { generation: this.generation, accounts: this.scan(key, owner) };
      this.listings.set(owner, listing);
    }
    return filter ? listing.accounts.filter(({ account }) => filter(account.data)) : [...listing.accounts];
  }

  /** Every account `owner` owns, read from litesvm, that passes `filter`. */
  private scan(
    key: Uint8Array,
    owner: string,
    filter?: (data: Uint8Array) => boolean,
  ): Array<{ address: string; account: AccountRecord }> {
    const out: Array<{ address: string; account: AccountRecord }> = [];
    for (const entry of this.svm.getProgramAccounts(key)) {
      const account = entry.account();
      const data = account.data();
      if (filter && !filter(data)) continue;
      out.push({
        address: base58.encode(entry.address),
        account: { lamports: account.lamports(), owner, data, executable: account.executable() },
      });
    }
    return out;
  }

  isEmulated(program: string): boolean {
    return this.emulated.has(program);
  }

  get emulatedPrograms(): string[] {
    return [...this.emulated.keys()];
  }

  rentExempt(size: number): bigint {
    return this.svm.minimumBalanceForRentExemption(BigInt(size));
  }

  // ---------------------------------------------------------------- statuses and events

  status(signature: string): TransactionStatus | undefined {
    return this.log.status(signature);
  }

  /** Signatures of recorded transactions that involve `address`, newest first. */
  recentSignatures(address: string, limit: number): Array<{ signature: string; status: TransactionStatus }> {
    return this.log.recentSignatures(address, limit);
  }

  onCommit(listener: (event: CommitEvent) => void): () => void {
    return this.log.onCommit(listener);
  }

  onSlot(listener: (slot: number) => void): () => void {
    return this.clock.onSlot(listener);
  }

  // ---------------------------------------------------------------- transactions

  /** Credits `lamports` to `address` with a real (litesvm) airdrop transaction and records it. */
  airdrop(address: string, lamports: bigint): string {
    this.generation++;
    // litesvm signs airdrops with its latest blockhash: expire it so identical airdrops get distinct signatures.
    this.svm.expireBlockhash();
    const before = this.getBalance(address);
    const result = this.svm.airdrop(toBytes(address), lamports);
    this.clock.adoptBlockhash();
    if (!result || result instanceof FailedTransactionMetadata) {
      const error = result ? JSON.stringify(transactionErrorJson(result)) : 'no result';
      throw new NosanaError(
        'LOCALNET__AIRDROP_FAILED',
        `the airdrop of ${lamports} lamports to ${address} failed: ${error} — this is a localnet bug, please report it`,
        { address, error },
      );
    }
    const signature = base58.encode(result.signature());
    this.record(
      signature,
      {
        slot: this.clock.currentSlot,
        blockTime: this.clock.slotTime(),
        err: null,
        logs: result.logs(),
        fee: LAMPORTS_PER_SIGNATURE,
        unitsConsumed: Number(result.computeUnitsConsumed()),
        accountKeys: [address],
        preBalances: [Number(before)],
        postBalances: [Number(this.getBalance(address))],
      },
      [address],
    );
    return signature;
  }

  /**
   * Processes a signed transaction (wire bytes). With `simulate`, runs it and rolls everything back.
   * Transactions that touch an emulated program run instruction by instruction in one atomic unit.
   */
  process(bytes: Uint8Array, options: { simulate?: boolean; sigVerify?: boolean } = {}): ProcessResult {
    const simulate = options.simulate ?? false;
    const sigVerify = options.sigVerify ?? true;
    // A simulation writes too (and rolls back): listings taken before it are not trusted after it.
    this.generation++;
    let transaction: VersionedTransaction;
    try {
      transaction = VersionedTransaction.deserialize(bytes);
    } catch {
      return rejected('', 'SanitizeFailure', []);
    }
    const signature = base58.encode(transaction.signatures[0]!);
    const message = transaction.message;
    if (!simulate && this.log.has(signature)) return rejected(signature, 'AlreadyProcessed', []);
    if (sigVerify && !this.clock.isBlockhashValid(message.recentBlockhash))
      return rejected(signature, 'BlockhashNotFound', []);
    let metas: AccountMeta[];
    try {
      metas = this.accountMetas(message);
    } catch (error) {
      return rejected(
        signature,
        error instanceof LookupTableNotFound ? 'AddressLookupTableNotFound' : 'SanitizeFailure',
        [],
      );
    }
    const keys = metas.map((m) => m.pubkey.toBase58());
    const emulated = message.compiledInstructions.some((ix) => this.emulated.has(keys[ix.programIdIndex]!));
    const preBalances = keys.map((k) => Number(this.getBalance(k)));
    const result = emulated
      ? processEmulated(this.access, transaction, signature, metas, simulate, sigVerify)
      : processReal(this.access, bytes, transaction, signature, simulate, sigVerify);
    result.accountKeys = keys;
    if (simulate || result.rejected) return result;
    this.record(
      signature,
      {
        slot: this.clock.currentSlot,
        blockTime: this.clock.slotTime(),
        err: result.err,
        logs: result.logs,
        fee: result.fee,
        unitsConsumed: result.unitsConsumed,
        bytes,
        accountKeys: keys,
        preBalances,
        postBalances: keys.map((k) => Number(this.getBalance(k))),
      },
      result.err ? [keys[0]!] : metas.filter((m) => m.isWritable).map((m) => m.pubkey.toBase58()),
    );
    if (!result.err) {
      const writable = metas.filter((m) => m.isWritable).map((m) => m.pubkey.toBase58());
      this.fees.add(this.clock.currentSlot, computeUnitPrice(transaction), writable);
    }
    return result;
  }

  /**
   * Recent prioritization fees (micro-lamports per compute unit), one entry per recent slot with successful
   * transactions, as `getRecentPrioritizationFees` answers them.
   *
   * @example
   * ```ts
   * bank.recentPrioritizationFees([market.toBase58()]); // [{ slot: 1040, prioritizationFee: 5000 }]
   * ```
   */
  recentPrioritizationFees(
    accounts: readonly string[] = [],
  ): Array<{ slot: number; prioritizationFee: number }> {
    return this.fees.recent(accounts, this.clock.currentSlot);
  }

  /** The fee of a transaction: 5000 lamports per signature plus the priority fee (unit limit × unit price). */
  feeOf(transaction: VersionedTransaction): number {
    return feeOf(transaction);
  }

  private record(signature: string, status: TransactionStatus, writable: string[]): void {
    this.clock.markCommitted();
    this.log.record(signature, status, writable);
  }

  /** Account keys of a message with their privileges, resolving v0 address lookup tables. */
  private accountMetas(message: VersionedTransaction['message']): AccountMeta[] {
    let keys: ReturnType<typeof message.getAccountKeys>;
    if (message.version === 0 && message.addressTableLookups.length > 0) {
      const tables = message.addressTableLookups.map((lookup) => {
        const account = this.getAccount(lookup.accountKey);
        if (!account) throw new LookupTableNotFound();
        return new AddressLookupTableAccount({
          key: lookup.accountKey,
          state: AddressLookupTableAccount.deserialize(account.data),
        });
      });
      keys = message.getAccountKeys({ addressLookupTableAccounts: tables });
    } else keys = message.getAccountKeys();
    return keys
      .keySegments()
      .flat()
      .map((pubkey, i) => ({
        pubkey,
        isSigner: message.isAccountSigner(i),
        isWritable: message.isAccountWritable(i),
      }));
  }
}
