/**
 * The localnet's ledger: litesvm (the real SVM) for accounts and real programs, plus what a validator adds
 * around it — wall-clock slots, a window of recent blockhashes, signature statuses and dedup, fees, atomic
 * transactions mixing real and emulated instructions, and persistence.
 */
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { base58 } from '@scure/base';
import {
  type AccountMeta,
  AddressLookupTableAccount,
  ComputeBudgetProgram,
  Keypair,
  PublicKey,
  SystemProgram,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import {
  Account,
  FailedTransactionMetadata,
  LiteSvm,
  type TransactionMetadata,
} from 'litesvm/dist/internal.js';
import {
  type AccountState,
  type EmulatedProgram,
  type InstructionContext,
  ProgramFailure,
} from './emulation.js';
import {
  type InstructionErrorJson,
  REJECTING_ERRORS,
  remapInstructionIndexes,
  type TransactionErrorJson,
  transactionErrorJson,
} from './transaction-errors.js';

/** Milliseconds per slot, like mainnet. */
export const SLOT_MS = 400;
/** How many blocks a blockhash stays valid, like mainnet. */
export const BLOCKHASH_VALIDITY = 150;
/** Lamports per signature. */
export const LAMPORTS_PER_SIGNATURE = 5000;
/** Compute units reported for an emulated instruction. */
const EMULATED_UNITS = 1000;
/** Signature statuses kept in memory and on disk. */
const MAX_STATUSES = 100_000;

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const SYSTEM = SystemProgram.programId.toBase58();

/** An account record with raw bytes. */
export interface AccountRecord {
  lamports: bigint;
  owner: string;
  data: Uint8Array;
  executable: boolean;
}

/** What the ledger remembers of a processed transaction. */
export interface TransactionStatus {
  slot: number;
  blockTime: number;
  err: TransactionErrorJson | null;
  logs: string[];
  fee: number;
  unitsConsumed: number;
  /** The wire bytes (absent for airdrops). */
  bytes?: Uint8Array;
  accountKeys: string[];
  preBalances: number[];
  postBalances: number[];
}

/** Result of processing (or simulating) one transaction. */
export interface ProcessResult {
  signature: string;
  err: TransactionErrorJson | null;
  /** True when the transaction was rejected before execution: nothing recorded, no fee. */
  rejected: boolean;
  logs: string[];
  unitsConsumed: number;
  fee: number;
  accountKeys: string[];
  /** Accounts after a simulation, by address. */
  postAccounts?: Map<string, AccountRecord | null>;
  returnData?: { programId: string; data: Uint8Array } | null;
}

/** A committed transaction, for subscriptions. */
export interface CommitEvent {
  signature: string;
  slot: number;
  err: TransactionErrorJson | null;
  logs: string[];
  accountKeys: string[];
  writable: string[];
}

/** Options of {@link Bank.create}. */
export interface BankOptions {
  programs?: EmulatedProgram[];
  /** Wall clock in milliseconds (injectable for tests). */
  now?: () => number;
}

class InstructionFailure extends Error {
  constructor(
    readonly index: number,
    readonly error: InstructionErrorJson,
  ) {
    super(JSON.stringify(error));
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
  private readonly statuses = new Map<string, TransactionStatus>();
  private readonly blockhashes = new Map<string, number>();
  private readonly commitListeners = new Set<(event: CommitEvent) => void>();
  private readonly slotListeners = new Set<(slot: number) => void>();
  private readonly now: () => number;
  private slot: number;
  private height: number;
  private referenceSlot: number;
  private referenceTime: number;
  private latest = '';
  private dirty = false;
  private slotHashes: Array<{ slot: bigint; hash: string }> = [];
  /** Seconds added to the wall clock (tests move time forward with `advanceClock`). */
  private clockOffset = 0;
  transactionCount = 0;

  private constructor(svm: LiteSvm, options: BankOptions, restored?: PersistedState) {
    this.svm = svm;
    this.now = options.now ?? Date.now;
    for (const program of options.programs ?? []) this.emulated.set(program.programId.toBase58(), program);
    // Blockhashes are checked here against a window (litesvm only knows its single latest one); signature
    // dedup also happens here, so litesvm keeps no history of its own.
    svm.setBlockhashCheck(false);
    svm.setSigverify(true);
    svm.setTransactionHistory(0n);
    svm.setLamports(10n ** 18n);
    this.slot = restored?.slot ?? Number(svm.getClock().slot);
    this.height = restored?.height ?? 1;
    this.clockOffset = restored?.clockOffset ?? 0;
    this.transactionCount = restored?.transactionCount ?? 0;
    for (const [signature, status] of restored?.statuses ?? []) {
      this.statuses.set(signature, {
        ...status,
        bytes: status.bytes ? Buffer.from(status.bytes, 'base64') : undefined,
      });
    }
    this.referenceSlot = this.slot;
    this.referenceTime = this.now();
    this.setAccount(this.relayer.publicKey, {
      lamports: 10n ** 17n,
      owner: SYSTEM,
      data: new Uint8Array(0),
      executable: false,
    });
    this.advance(1);
  }

  /** A fresh ledger with the standard programs (System, SPL Token, Token-2022, ATA, …). */
  static create(options: BankOptions = {}): Bank {
    return new Bank(new LiteSvm(), options);
  }

  /** Reopens a ledger saved with {@link Bank.save}, or undefined when `path` holds none. */
  static load(path: string, options: BankOptions = {}): Bank | undefined {
    if (!existsSync(`${path}.svm`) || !existsSync(`${path}.json`)) return undefined;
    const state = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as PersistedState;
    return new Bank(LiteSvm.loadFromFile(`${path}.svm`), options, state);
  }

  /** Writes the ledger to `<path>.svm` and `<path>.json` (each written to a temp file, then renamed). */
  save(path: string): void {
    this.svm.saveToFile(`${path}.svm.tmp`);
    const statuses = [...this.statuses].map(
      ([signature, s]) =>
        [signature, { ...s, bytes: s.bytes ? Buffer.from(s.bytes).toString('base64') : undefined }] as const,
    );
    const state: PersistedState = {
      slot: this.slot,
      height: this.height,
      clockOffset: this.clockOffset,
      transactionCount: this.transactionCount,
      statuses,
    };
    writeFileSync(`${path}.json.tmp`, JSON.stringify(state));
    renameSync(`${path}.svm.tmp`, `${path}.svm`);
    renameSync(`${path}.json.tmp`, `${path}.json`);
  }

  // ---------------------------------------------------------------- slots, clock, blockhashes

  /** Moves slots forward with the wall clock (400 ms per slot), at least `minimum` slots. */
  advance(minimum = 0): void {
    const target = Math.max(
      this.slot + minimum,
      this.referenceSlot + Math.floor((this.now() - this.referenceTime) / SLOT_MS),
    );
    if (target <= this.slot && this.latest) return;
    const previous = this.slot;
    this.height += target - this.slot;
    this.slot = target;
    this.svm.warpToSlot(BigInt(target));
    const clock = this.svm.getClock();
    clock.unixTimestamp = BigInt(this.unixTime());
    this.svm.setClock(clock);
    this.issueBlockhash();
    // litesvm's warpToSlot does not maintain SlotHashes (address lookup tables need recent slots in it).
    const added: Array<{ slot: bigint; hash: string }> = [];
    for (let s = target; s > previous && added.length < 512; s--) {
      added.push({
        slot: BigInt(s),
        hash: s === target ? this.latest : base58.encode(createHash('sha256').update(`slot:${s}`).digest()),
      });
    }
    this.slotHashes = [...added, ...this.slotHashes].slice(0, 512);
    this.svm.setSlotHashes(this.slotHashes);
    if (minimum > 0) {
      // A forced advance moves ahead of the wall clock: keep counting from here.
      this.referenceSlot = this.slot;
      this.referenceTime = this.now();
    }
    for (const listener of this.slotListeners) listener(this.slot);
  }

  /** A new blockhash, valid for {@link BLOCKHASH_VALIDITY} blocks. */
  private issueBlockhash(): void {
    this.svm.expireBlockhash();
    this.latest = this.svm.latestBlockhash();
    this.blockhashes.set(this.latest, this.height + BLOCKHASH_VALIDITY);
    for (const [hash, lastValid] of this.blockhashes) {
      if (lastValid >= this.height) break;
      this.blockhashes.delete(hash);
    }
    this.dirty = false;
  }

  /** The cluster's unix time in seconds. */
  unixTime(): number {
    return Math.floor(this.now() / 1000) + this.clockOffset;
  }

  /** Moves the cluster clock forward by `seconds` (tests of timeouts and payouts). */
  advanceClock(seconds: number): number {
    this.clockOffset += seconds;
    this.advance(1);
    return this.unixTime();
  }

  get currentSlot(): number {
    return this.slot;
  }

  get blockHeight(): number {
    return this.height;
  }

  /**
   * The latest blockhash. A new one is issued after transactions were committed, so a client sending the same
   * instruction twice in one slot gets two distinct signatures.
   */
  latestBlockhash(): { blockhash: string; lastValidBlockHeight: number } {
    if (this.dirty) this.issueBlockhash();
    return { blockhash: this.latest, lastValidBlockHeight: this.blockhashes.get(this.latest)! };
  }

  isBlockhashValid(blockhash: string): boolean {
    return this.blockhashes.has(blockhash);
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
    return this.statuses.get(signature);
  }

  /** Signatures of recorded transactions that involve `address`, newest first. */
  recentSignatures(address: string, limit: number): Array<{ signature: string; status: TransactionStatus }> {
    const out: Array<{ signature: string; status: TransactionStatus }> = [];
    const entries = [...this.statuses];
    for (let i = entries.length - 1; i >= 0 && out.length < limit; i--) {
      const [signature, status] = entries[i]!;
      if (status.accountKeys.includes(address)) out.push({ signature, status });
    }
    return out;
  }

  onCommit(listener: (event: CommitEvent) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  onSlot(listener: (slot: number) => void): () => void {
    this.slotListeners.add(listener);
    return () => this.slotListeners.delete(listener);
  }

  // ---------------------------------------------------------------- transactions

  /** Credits `lamports` to `address` with a real (litesvm) airdrop transaction and records it. */
  airdrop(address: string, lamports: bigint): string {
    // litesvm signs airdrops with its latest blockhash: expire it so identical airdrops get distinct signatures.
    this.svm.expireBlockhash();
    const before = this.getBalance(address);
    const result = this.svm.airdrop(toBytes(address), lamports);
    this.latest = this.svm.latestBlockhash();
    this.blockhashes.set(this.latest, this.height + BLOCKHASH_VALIDITY);
    if (!result || result instanceof FailedTransactionMetadata) {
      throw new Error(
        `airdrop failed: ${result ? JSON.stringify(transactionErrorJson(result)) : 'no result'}`,
      );
    }
    const signature = base58.encode(result.signature());
    this.record(
      signature,
      {
        slot: this.slot,
        blockTime: this.unixTime(),
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
    let transaction: VersionedTransaction;
    try {
      transaction = VersionedTransaction.deserialize(bytes);
    } catch {
      return this.rejected('', 'SanitizeFailure', []);
    }
    const signature = base58.encode(transaction.signatures[0]!);
    const message = transaction.message;
    if (!simulate && this.statuses.has(signature)) return this.rejected(signature, 'AlreadyProcessed', []);
    if (sigVerify && !this.blockhashes.has(message.recentBlockhash))
      return this.rejected(signature, 'BlockhashNotFound', []);
    let metas: AccountMeta[];
    try {
      metas = this.accountMetas(message);
    } catch (error) {
      return this.rejected(
        signature,
        (error as { transactionError?: string }).transactionError ?? 'SanitizeFailure',
        [],
      );
    }
    const keys = metas.map((m) => m.pubkey.toBase58());
    const emulated = message.compiledInstructions.some((ix) => this.emulated.has(keys[ix.programIdIndex]!));
    const preBalances = keys.map((k) => Number(this.getBalance(k)));
    const result = emulated
      ? this.processEmulated(transaction, signature, metas, simulate, sigVerify)
      : this.processReal(bytes, transaction, signature, simulate, sigVerify);
    result.accountKeys = keys;
    if (simulate || result.rejected) return result;
    this.record(
      signature,
      {
        slot: this.slot,
        blockTime: this.unixTime(),
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
    return result;
  }

  private rejected(signature: string, err: string, logs: string[]): ProcessResult {
    return { signature, err, rejected: true, logs, unitsConsumed: 0, fee: 0, accountKeys: [] };
  }

  private record(signature: string, status: TransactionStatus, writable: string[]): void {
    this.transactionCount++;
    this.dirty = true;
    this.statuses.set(signature, status);
    if (this.statuses.size > MAX_STATUSES) this.statuses.delete(this.statuses.keys().next().value!);
    const event: CommitEvent = {
      signature,
      slot: status.slot,
      err: status.err,
      logs: status.logs,
      accountKeys: status.accountKeys,
      writable,
    };
    for (const listener of this.commitListeners) listener(event);
  }

  /** Account keys of a message with their privileges, resolving v0 address lookup tables. */
  private accountMetas(message: VersionedTransaction['message']): AccountMeta[] {
    let keys: ReturnType<typeof message.getAccountKeys>;
    if (message.version === 0 && message.addressTableLookups.length > 0) {
      const tables = message.addressTableLookups.map((lookup) => {
        const account = this.getAccount(lookup.accountKey);
        if (!account)
          throw Object.assign(new Error('lookup table'), { transactionError: 'AddressLookupTableNotFound' });
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

  private processReal(
    bytes: Uint8Array,
    transaction: VersionedTransaction,
    signature: string,
    simulate: boolean,
    sigVerify: boolean,
  ): ProcessResult {
    const legacy = transaction.version === 'legacy';
    if (!sigVerify) this.svm.setSigverify(false);
    let outcome:
      | ReturnType<LiteSvm['sendLegacyTransaction']>
      | ReturnType<LiteSvm['simulateLegacyTransaction']>;
    try {
      if (simulate)
        outcome = legacy
          ? this.svm.simulateLegacyTransaction(bytes)
          : this.svm.simulateVersionedTransaction(bytes);
      else
        outcome = legacy ? this.svm.sendLegacyTransaction(bytes) : this.svm.sendVersionedTransaction(bytes);
    } finally {
      if (!sigVerify) this.svm.setSigverify(true);
    }
    const fee = this.feeOf(transaction);
    if (outcome instanceof FailedTransactionMetadata) {
      const err = transactionErrorJson(outcome);
      const meta = outcome.meta();
      const rejected = typeof err === 'string' && REJECTING_ERRORS.has(err);
      return {
        signature,
        err,
        rejected,
        logs: meta.logs(),
        unitsConsumed: Number(meta.computeUnitsConsumed()),
        fee: rejected ? 0 : fee,
        accountKeys: [],
      };
    }
    const meta: TransactionMetadata =
      'meta' in outcome && typeof outcome.meta === 'function'
        ? (outcome as { meta(): TransactionMetadata }).meta()
        : (outcome as TransactionMetadata);
    const returned = meta.returnData();
    const result: ProcessResult = {
      signature,
      err: null,
      rejected: false,
      logs: meta.logs(),
      unitsConsumed: Number(meta.computeUnitsConsumed()),
      fee,
      accountKeys: [],
      returnData:
        returned.data().length > 0
          ? { programId: base58.encode(returned.programId()), data: returned.data() }
          : null,
    };
    if (simulate && 'postAccounts' in outcome) {
      result.postAccounts = new Map(
        (outcome as { postAccounts(): Array<{ address: Uint8Array; account(): Account }> })
          .postAccounts()
          .map((entry) => {
            const a = entry.account();
            return [
              base58.encode(entry.address),
              {
                lamports: a.lamports(),
                owner: base58.encode(a.owner()),
                data: a.data(),
                executable: a.executable(),
              },
            ] as const;
          }),
      );
    }
    return result;
  }

  /** The fee of a transaction: 5000 lamports per signature plus the priority fee (unit limit × unit price). */
  feeOf(transaction: VersionedTransaction): number {
    const message = transaction.message;
    const keys = message.staticAccountKeys;
    let unitLimit: number | undefined;
    let microLamports = 0n;
    let instructions = 0;
    for (const ix of message.compiledInstructions) {
      if (!keys[ix.programIdIndex]?.equals(ComputeBudgetProgram.programId)) {
        instructions++;
        continue;
      }
      const data = Buffer.from(ix.data);
      if (data[0] === 2 && data.length >= 5) unitLimit = data.readUInt32LE(1);
      if (data[0] === 3 && data.length >= 9) microLamports = data.readBigUInt64LE(1);
    }
    const units = BigInt(unitLimit ?? Math.min(1_400_000, 200_000 * Math.max(1, instructions)));
    const priority = (units * microLamports + 999_999n) / 1_000_000n;
    return message.header.numRequiredSignatures * LAMPORTS_PER_SIGNATURE + Number(priority);
  }

  /** A transaction with at least one emulated instruction: verified, charged, executed atomically. */
  private processEmulated(
    transaction: VersionedTransaction,
    signature: string,
    metas: AccountMeta[],
    simulate: boolean,
    sigVerify: boolean,
  ): ProcessResult {
    const message = transaction.message;
    const signers = message.header.numRequiredSignatures;
    if (sigVerify) {
      const payload = message.serialize();
      for (let i = 0; i < signers; i++) {
        const key = createPublicKey({
          key: Buffer.concat([SPKI_ED25519, metas[i]!.pubkey.toBuffer()]),
          format: 'der',
          type: 'spki',
        });
        if (!verify(null, payload, key, transaction.signatures[i]!))
          return this.rejected(signature, 'SignatureFailure', []);
      }
    }
    const fee = BigInt(this.feeOf(transaction));
    const feePayer = metas[0]!.pubkey;
    const payer = this.getAccount(feePayer);
    if (!payer) return this.rejected(signature, 'AccountNotFound', []);
    if (payer.lamports < fee) return this.rejected(signature, 'InsufficientFundsForFee', []);

    const touched = [
      ...new Set([...metas.map((m) => m.pubkey.toBase58()), this.relayer.publicKey.toBase58()]),
    ];
    const snapshot = touched.map((k) => [k, this.getAccount(k)] as const);
    const restore = () => {
      for (const [k, account] of snapshot) {
        this.setAccount(
          k,
          account ?? { lamports: 0n, owner: SYSTEM, data: new Uint8Array(0), executable: false },
        );
      }
    };
    const chargeFee = () => {
      const account = this.getAccount(feePayer)!;
      this.setAccount(feePayer, { ...account, lamports: account.lamports - fee });
    };
    chargeFee();

    const logs: string[] = [];
    let units = 0;
    const instructions = message.compiledInstructions.map(
      (ix) =>
        new TransactionInstruction({
          programId: metas[ix.programIdIndex]!.pubkey,
          keys: ix.accountKeyIndexes.map((i) => metas[i]!),
          data: Buffer.from(ix.data),
        }),
    );
    const budget = instructions.filter((ix) => ix.programId.equals(ComputeBudgetProgram.programId));
    const txSigners = new Set(metas.filter((m) => m.isSigner).map((m) => m.pubkey.toBase58()));
    // Sub-transactions of real instructions run with every budget instruction first: their indexes in the transaction.
    const budgetIndexes = instructions.flatMap((ix, k) =>
      ix.programId.equals(ComputeBudgetProgram.programId) ? [k] : [],
    );
    let err: TransactionErrorJson | null = null;
    let i = 0;
    try {
      while (i < instructions.length) {
        const program = this.emulated.get(instructions[i]!.programId.toBase58());
        if (program) {
          units += this.runEmulated(program, instructions[i]!, i, metas, logs);
          i++;
          continue;
        }
        // A run of consecutive real instructions executes as one litesvm sub-transaction.
        let j = i;
        while (j < instructions.length && !this.emulated.has(instructions[j]!.programId.toBase58())) j++;
        const indexes: number[] = [];
        for (let k = i; k < j; k++)
          if (!instructions[k]!.programId.equals(ComputeBudgetProgram.programId)) indexes.push(k);
        if (indexes.length > 0) {
          const run = this.runReal([...budget, ...indexes.map((k) => instructions[k]!)], logs, txSigners, 1);
          units += run.units;
          if (run.err) {
            err = remapInstructionIndexes(run.err, [...budgetIndexes, ...indexes]);
            break;
          }
        }
        i = j;
      }
    } catch (error) {
      if (error instanceof InstructionFailure) err = { InstructionError: [error.index, error.error] };
      else {
        err = { InstructionError: [i, 'ProgramFailedToComplete'] };
        logs.push(`Program log: emulator failure: ${(error as Error).message}`);
      }
    }
    const result: ProcessResult = {
      signature,
      err,
      rejected: false,
      logs,
      unitsConsumed: units,
      fee: Number(fee),
      accountKeys: [],
      returnData: null,
    };
    if (simulate) {
      result.postAccounts = new Map(touched.map((k) => [k, this.getAccount(k)]));
      restore();
    } else if (err) {
      restore();
      chargeFee();
    } else {
      // The relayer pays sub-transaction fees; it is infrastructure, so its balance is put back.
      this.setAccount(this.relayer.publicKey, snapshot.at(-1)![1]!);
    }
    return result;
  }

  /** Runs real instructions as a litesvm sub-transaction paid by the relayer, with signature checks done here. */
  private runReal(
    instructions: TransactionInstruction[],
    logs: string[],
    signers: ReadonlySet<string>,
    depth: number,
  ): { err: TransactionErrorJson | null; units: number } {
    for (const [index, ix] of instructions.entries()) {
      for (const key of ix.keys) {
        if (key.isSigner && !signers.has(key.pubkey.toBase58()))
          return { err: { InstructionError: [index, 'MissingRequiredSignature'] }, units: 0 };
      }
    }
    const message = new TransactionMessage({
      payerKey: this.relayer.publicKey,
      recentBlockhash: this.svm.latestBlockhash(),
      instructions,
    }).compileToLegacyMessage();
    const count = message.header.numRequiredSignatures;
    const wire = Buffer.concat([Buffer.from([count]), randomBytes(64 * count), message.serialize()]);
    this.svm.setSigverify(false);
    let outcome: ReturnType<LiteSvm['sendLegacyTransaction']>;
    try {
      outcome = this.svm.sendLegacyTransaction(wire);
    } finally {
      this.svm.setSigverify(true);
    }
    const failed = outcome instanceof FailedTransactionMetadata ? outcome : undefined;
    const meta = failed ? failed.meta() : (outcome as TransactionMetadata);
    for (const line of meta.logs()) {
      logs.push(
        depth > 1
          ? line.replace(/invoke \[(\d+)\]$/, (_: string, d: string) => `invoke [${Number(d) + depth - 1}]`)
          : line,
      );
    }
    return { err: failed ? transactionErrorJson(failed) : null, units: Number(meta.computeUnitsConsumed()) };
  }

  private runEmulated(
    program: EmulatedProgram,
    ix: TransactionInstruction,
    index: number,
    metas: AccountMeta[],
    logs: string[],
  ): number {
    const id = program.programId.toBase58();
    logs.push(`Program ${id} invoke [1]`);
    const writable = new Set(ix.keys.filter((k) => k.isWritable).map((k) => k.pubkey.toBase58()));
    const inTransaction = new Set(metas.map((m) => m.pubkey.toBase58()));
    const txSigners = new Set(metas.filter((m) => m.isSigner).map((m) => m.pubkey.toBase58()));
    const fail = (error: InstructionErrorJson): never => {
      throw new InstructionFailure(index, error);
    };
    const context: InstructionContext = {
      programId: program.programId,
      instructionIndex: index,
      data: ix.data,
      accounts: ix.keys,
      now: () => Number(this.svm.getClock().unixTimestamp),
      slot: () => this.slot,
      log: (line) => logs.push(`Program log: ${line}`),
      rentExempt: (size) => this.rentExempt(size),
      getAccount: (address): AccountState | null => {
        const account = this.getAccount(address);
        return account ? { ...account, owner: new PublicKey(account.owner) } : null;
      },
      setData: (address, data) => {
        const key = address.toBase58();
        const account = this.getAccount(key);
        if (!writable.has(key)) fail('ReadonlyDataModified');
        if (!account || account.owner !== id) fail('ExternalAccountDataModified');
        if (this.rentExempt(data.length) > account!.lamports) fail('AccountNotRentExempt');
        this.setAccount(key, { ...account!, data: new Uint8Array(data) });
      },
      closeAccount: (address, destination) => {
        const key = address.toBase58();
        const account = this.getAccount(key);
        if (!account || account.owner !== id) fail('ExternalAccountLamportSpend');
        if (!writable.has(key) || !writable.has(destination.toBase58())) fail('ReadonlyLamportChange');
        const target = this.getAccount(destination) ?? {
          lamports: 0n,
          owner: SYSTEM,
          data: new Uint8Array(0),
          executable: false,
        };
        this.setAccount(destination, { ...target, lamports: target.lamports + account!.lamports });
        this.setAccount(key, { lamports: 0n, owner: SYSTEM, data: new Uint8Array(0), executable: false });
      },
      invoke: (instructions, signerSeeds = []) => {
        const allowed = new Set(txSigners);
        for (const seeds of signerSeeds)
          allowed.add(PublicKey.createProgramAddressSync(seeds, program.programId).toBase58());
        for (const cpi of instructions) {
          for (const key of [...cpi.keys.map((k) => k.pubkey), cpi.programId])
            if (!inTransaction.has(key.toBase58())) fail('MissingAccount');
          for (const key of cpi.keys)
            if (key.isWritable && !writable.has(key.pubkey.toBase58())) fail('PrivilegeEscalation');
          for (const key of cpi.keys)
            if (key.isSigner && !allowed.has(key.pubkey.toBase58())) fail('PrivilegeEscalation');
        }
        const run = this.runReal(instructions, logs, allowed, 2);
        if (run.err) {
          const inner = (run.err as { InstructionError?: [number, InstructionErrorJson] }).InstructionError;
          fail(inner ? inner[1] : 'ProgramFailedToComplete');
        }
      },
    };
    try {
      program.execute(context);
    } catch (error) {
      if (error instanceof ProgramFailure) {
        logs.push(...error.logs);
        logs.push(`Program ${id} consumed ${EMULATED_UNITS} of 200000 compute units`);
        const detail =
          typeof error.error === 'object' && 'Custom' in error.error
            ? `custom program error: 0x${(error.error.Custom as number).toString(16)}`
            : JSON.stringify(error.error);
        logs.push(`Program ${id} failed: ${detail}`);
        throw new InstructionFailure(index, error.error);
      }
      if (error instanceof InstructionFailure) {
        logs.push(`Program ${id} failed: ${JSON.stringify(error.error)}`);
        throw error;
      }
      logs.push(`Program log: panicked: ${(error as Error).message}`);
      logs.push(`Program ${id} failed: ProgramFailedToComplete`);
      throw new InstructionFailure(index, 'ProgramFailedToComplete');
    }
    logs.push(`Program ${id} consumed ${EMULATED_UNITS} of 200000 compute units`);
    logs.push(`Program ${id} success`);
    return EMULATED_UNITS;
  }
}

interface PersistedState {
  slot: number;
  height: number;
  clockOffset: number;
  transactionCount: number;
  statuses: ReadonlyArray<
    readonly [string, Omit<TransactionStatus, 'bytes'> & { bytes?: string | undefined }]
  >;
}
