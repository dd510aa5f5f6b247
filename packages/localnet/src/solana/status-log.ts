/**
 * The ledger's status log: what it remembers of processed transactions (signature statuses, for dedup,
 * `getSignatureStatuses`, `getTransaction`, `getSignaturesForAddress`), the transaction count, and the commit
 * events subscriptions listen to.
 */
import type { TransactionErrorJson } from './transaction-errors.js';

/** Signature statuses kept in memory and on disk. */
export const MAX_STATUSES = 100_000;

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

/** A committed transaction, for subscriptions. */
export interface CommitEvent {
  signature: string;
  slot: number;
  err: TransactionErrorJson | null;
  logs: string[];
  accountKeys: string[];
  writable: string[];
}

/** A status as persisted (bytes in base64). */
export type PersistedStatus = Omit<TransactionStatus, 'bytes'> & { bytes?: string | undefined };

/** The newest {@link MAX_STATUSES} transaction statuses, in commit order. */
export class StatusLog {
  private readonly statuses = new Map<string, TransactionStatus>();
  private readonly commitListeners = new Set<(event: CommitEvent) => void>();
  transactionCount: number;

  constructor(restored?: {
    transactionCount: number;
    statuses: ReadonlyArray<readonly [string, PersistedStatus]>;
  }) {
    this.transactionCount = restored?.transactionCount ?? 0;
    for (const [signature, status] of restored?.statuses ?? []) {
      this.statuses.set(signature, {
        ...status,
        bytes: status.bytes ? Buffer.from(status.bytes, 'base64') : undefined,
      });
    }
  }

  /** The statuses to persist, oldest first. */
  persisted(): Array<readonly [string, PersistedStatus]> {
    return [...this.statuses].map(
      ([signature, s]) =>
        [signature, { ...s, bytes: s.bytes ? Buffer.from(s.bytes).toString('base64') : undefined }] as const,
    );
  }

  has(signature: string): boolean {
    return this.statuses.has(signature);
  }

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

  /** Records a committed transaction and tells the commit listeners (`writable`: the accounts it changed). */
  record(signature: string, status: TransactionStatus, writable: string[]): void {
    this.transactionCount++;
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

  onCommit(listener: (event: CommitEvent) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }
}
