import { NosanaError } from '@nosana/core';
import {
  ComputeBudgetProgram,
  type Connection,
  type Keypair,
  type TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import { programErrorFromLogs, toProgramError } from '../protocol/program-error.js';
import '../errors.js';

/** How much priority fee to pay, in micro-lamports per compute unit. */
export type PriorityFee =
  | { microLamports: number }
  | {
      /** Use recent prioritization fees of the written accounts: this percentile (0–100, default 50)… */
      percentile?: number;
      /** …capped at this (default 1,000,000 µ-lamports). */
      maxMicroLamports?: number;
    };

/** Parameters of {@link sendTransaction}. */
export interface SendTransactionParameters {
  connection: Connection;
  /** Pays the fees and signs first. */
  payer: Keypair;
  /** Other signers (new accounts, co-signers). */
  signers?: Keypair[];
  instructions: TransactionInstruction[];
  priorityFee?: PriorityFee;
  /** Compute unit limit; default: the runtime's (200k per instruction). */
  computeUnits?: number;
  /** Attempts with a fresh blockhash after the previous one expired. Default 3. */
  maxAttempts?: number;
  /** Poll interval for confirmations when no WebSocket notification arrives. Default 1000 ms. */
  pollMs?: number;
  /**
   * Before re-sending after an expiry, asked whether the intended effect is already on chain (for example,
   * whether a job is already finished). When it says yes, nothing is sent again.
   */
  alreadyDone?: () => Promise<boolean>;
  signal?: AbortSignal;
}

/** The outcome of {@link sendTransaction}. */
export interface SendTransactionResult {
  signature: string;
  /** True when `alreadyDone` found the effect on chain and nothing more was sent. */
  alreadyDone?: boolean;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

const NETWORK_ERROR =
  /fetch failed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_CONNECT_TIMEOUT|UND_ERR_SOCKET|socket hang up|429|502|503|504|network/i;

/**
 * True when `error` (or one of its causes) is a failure to reach the endpoint: connection refused or reset, DNS,
 * timeouts, `fetch failed`, overloaded gateways (429, 502–504). Program and validation errors are not.
 *
 * @example
 * ```ts
 * if (isNetworkError(error)) throw new NosanaError('CHAIN__RPC_UNREACHABLE', …);
 * ```
 */
export function isNetworkError(error: unknown): boolean {
  for (let current = error, depth = 0; current != null && depth < 5; depth++) {
    const { message, code, name } = current as { message?: unknown; code?: unknown; name?: unknown };
    if (name === 'TimeoutError') return true;
    if (typeof code === 'string' && NETWORK_ERROR.test(code)) return true;
    if (NETWORK_ERROR.test(String(message ?? current))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Signs and sends a transaction and waits until it is confirmed, safely:
 * - a program error (at preflight or after landing) throws at once as `CHAIN__PROGRAM_<NAME>`;
 * - network errors resend the same signed bytes (a duplicate can never execute twice);
 * - only once the blockhash has expired — so the transaction can no longer land — is it signed again with a
 *   new blockhash, after asking `alreadyDone` whether its effect is already on chain.
 *
 * @example
 * ```ts
 * const { signature } = await sendTransaction({ connection, payer: wallet, instructions: [ix] });
 * ```
 */
export async function sendTransaction({
  connection,
  payer,
  signers = [],
  instructions,
  priorityFee = { microLamports: 0 },
  computeUnits,
  maxAttempts = 3,
  pollMs = 1000,
  alreadyDone,
  signal,
}: SendTransactionParameters): Promise<SendTransactionResult> {
  const budget: TransactionInstruction[] = [];
  if (computeUnits) budget.push(ComputeBudgetProgram.setComputeUnitLimit({ units: computeUnits }));
  const price = await priorityFeeOf(connection, priorityFee, instructions);
  if (price > 0) budget.push(ComputeBudgetProgram.setComputeUnitPrice({ microLamports: price }));
  let lastSignature = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1 && alreadyDone && (await alreadyDone()))
      return { signature: lastSignature, alreadyDone: true };
    const { blockhash, lastValidBlockHeight } = await rpc(connection, () =>
      connection.getLatestBlockhash('confirmed'),
    );
    const message = new TransactionMessage({
      payerKey: payer.publicKey,
      recentBlockhash: blockhash,
      instructions: [...budget, ...instructions],
    }).compileToV0Message();
    const transaction = new VersionedTransaction(message);
    transaction.sign([payer, ...signers.filter((s) => !s.publicKey.equals(payer.publicKey))]);
    const raw = transaction.serialize();
    lastSignature = await submit(connection, raw, signal);
    const outcome = await confirm(connection, lastSignature, raw, lastValidBlockHeight, pollMs, signal);
    if (outcome === 'confirmed') return { signature: lastSignature };
  }
  throw new NosanaError(
    'CHAIN__TRANSACTION_EXPIRED',
    `the transaction was not confirmed after ${maxAttempts} attempts (each until its blockhash expired) — the network may be congested; try a priority fee`,
    { signature: lastSignature },
  );
}

/** Sends raw bytes with preflight; resends on network errors. Program errors throw. */
async function submit(connection: Connection, raw: Uint8Array, signal?: AbortSignal): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await connection.sendRawTransaction(raw, {
        skipPreflight: false,
        preflightCommitment: 'confirmed',
        maxRetries: 0,
      });
    } catch (error) {
      const program = toProgramError(error);
      if (program) throw program;
      if (isNetworkError(error) && attempt < 5) {
        await sleep(250 * 2 ** attempt, signal);
        continue;
      }
      if (isNetworkError(error)) throw unreachable(connection, error);
      throw new NosanaError(
        'CHAIN__TRANSACTION_FAILED',
        `the transaction was rejected: ${(error as Error).message}`,
        {
          error: (error as Error).message,
          ...((error as { logs?: string[] }).logs ? { logs: (error as { logs: string[] }).logs } : {}),
        },
        { cause: error },
      );
    }
  }
}

/** Waits for a signature: WebSocket notification or polling, rebroadcasting, until the blockhash expires. */
async function confirm(
  connection: Connection,
  signature: string,
  raw: Uint8Array,
  lastValidBlockHeight: number,
  pollMs: number,
  signal?: AbortSignal,
): Promise<'confirmed' | 'expired'> {
  let notified: ((err: unknown) => void) | undefined;
  const notification = new Promise<unknown>((resolve) => {
    notified = resolve;
  });
  let subscription: number | undefined;
  let fired = false;
  try {
    subscription = connection.onSignature(
      signature,
      (result) => {
        // web3.js removes a signature subscription itself once it has fired.
        fired = true;
        notified?.(result.err ?? null);
      },
      'confirmed',
    );
  } catch {
    // No WebSocket: polling alone.
  }
  try {
    let rebroadcast = Date.now() + 2000;
    while (true) {
      signal?.throwIfAborted();
      const { value } = await rpc(connection, () => connection.getSignatureStatuses([signature]));
      const status = value[0];
      if (
        status &&
        (status.confirmationStatus === 'confirmed' || status.confirmationStatus === 'finalized')
      ) {
        if (status.err) await failed(connection, signature, status.err);
        return 'confirmed';
      }
      const height = await rpc(connection, () => connection.getBlockHeight('confirmed'));
      if (height > lastValidBlockHeight) return 'expired';
      if (Date.now() > rebroadcast) {
        rebroadcast = Date.now() + 2000;
        await connection
          .sendRawTransaction(raw, { skipPreflight: true, maxRetries: 0 })
          .catch(() => undefined);
      }
      const err = await Promise.race([
        notification.then((e) => ({ e })),
        sleep(pollMs, signal).then(() => undefined),
      ]);
      if (err) {
        if (err.e) await failed(connection, signature, err.e);
        return 'confirmed';
      }
    }
  } finally {
    if (subscription !== undefined && !fired)
      void connection.removeSignatureListener(subscription).catch(() => undefined);
  }
}

/** A transaction landed with an error: turn it into a coded error, with the program's logs. */
async function failed(connection: Connection, signature: string, err: unknown): Promise<never> {
  const tx = await connection
    .getTransaction(signature, { maxSupportedTransactionVersion: 0, commitment: 'confirmed' })
    .catch(() => null);
  const logs = tx?.meta?.logMessages ?? [];
  const program = programErrorFromLogs({ logs, err });
  if (program) throw program;
  throw new NosanaError(
    'CHAIN__TRANSACTION_FAILED',
    `transaction ${signature} failed: ${JSON.stringify(err)}`,
    { signature, error: JSON.stringify(err), logs },
  );
}

/** The compute unit price to pay. */
async function priorityFeeOf(
  connection: Connection,
  fee: PriorityFee,
  instructions: TransactionInstruction[],
): Promise<number> {
  if ('microLamports' in fee) return Math.max(0, Math.floor(fee.microLamports));
  const writable = [
    ...new Map(
      instructions.flatMap((ix) =>
        ix.keys.filter((k) => k.isWritable).map((k) => [k.pubkey.toBase58(), k.pubkey]),
      ),
    ).values(),
  ].slice(0, 128);
  const recent = await rpc(connection, () =>
    connection.getRecentPrioritizationFees({ lockedWritableAccounts: writable }),
  );
  if (recent.length === 0) return 0;
  const sorted = recent.map((r) => r.prioritizationFee).sort((a, b) => a - b);
  const percentile = Math.min(100, Math.max(0, fee.percentile ?? 50));
  const value = sorted[Math.min(sorted.length - 1, Math.floor((percentile / 100) * sorted.length))]!;
  return Math.min(value, fee.maxMicroLamports ?? 1_000_000);
}

/** Runs an RPC call, turning a network failure into `CHAIN__RPC_UNREACHABLE` (after a few retries). */
export async function rpc<T>(connection: Connection, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isNetworkError(error)) throw error;
      if (attempt >= 3) throw unreachable(connection, error);
      await sleep(200 * 2 ** attempt);
    }
  }
}

function unreachable(connection: Connection, cause: unknown): NosanaError<'CHAIN__RPC_UNREACHABLE'> {
  return new NosanaError(
    'CHAIN__RPC_UNREACHABLE',
    `cannot reach the Solana RPC at ${connection.rpcEndpoint} — is the network (or \`nosana localnet start\`) running?`,
    { url: connection.rpcEndpoint },
    { cause },
  );
}
