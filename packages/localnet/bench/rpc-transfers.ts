/** Sections 1 and 2 of the RPC benchmark: SOL transfers, confirmed through web3.js and raw. */
import { base58 } from '@scure/base';
import {
  type BlockhashWithExpiryBlockHeight,
  Keypair,
  LAMPORTS_PER_SOL,
  type PublicKey,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
} from '@solana/web3.js';
import { type BenchRun, fixed, ms, percentile, txs } from './rpc-report.js';

/** Sections 1 and 2: confirmed and raw SOL transfers (see bench/rpc.ts). */
export async function transfers(run: BenchRun): Promise<void> {
  const fixture = transferFixture(run);
  await sequentialConfirmed(run, fixture);
  await concurrentConfirmed(run, fixture);
  await rawOverHttp(run, fixture);
  await rawInProcess(run, fixture);
}

/** A funded payer, 8 funded recipients and exact balance checks. */
function transferFixture({ localnet, connection }: BenchRun) {
  const payer = Keypair.generate();
  localnet.bank.airdrop(payer.publicKey.toBase58(), 10_000n * BigInt(LAMPORTS_PER_SOL));
  // Funded recipients: a transfer below the rent-exempt minimum into an empty account would fail.
  const recipients = Array.from({ length: 8 }, () => Keypair.generate().publicKey);
  for (const r of recipients) localnet.bank.airdrop(r.toBase58(), BigInt(LAMPORTS_PER_SOL));
  // Distinct amounts give distinct signatures even under one blockhash.
  let nextAmount = 1_000;
  const transfer = (blockhash: BlockhashWithExpiryBlockHeight) => {
    const amount = nextAmount++;
    const to = recipients[amount % recipients.length]!;
    const tx = new Transaction({ feePayer: payer.publicKey, ...blockhash }).add(
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: amount }),
    );
    tx.sign(payer);
    return { tx, to, amount };
  };
  const balances = async () => Promise.all(recipients.map((r) => connection.getBalance(r)));
  /** Checks that the recipients received exactly `sent` (lamports by recipient index). */
  const check = async (before: number[], sent: Map<string, number>, label: string) => {
    const after = await balances();
    recipients.forEach((r, i) => {
      const expected = before[i]! + (sent.get(r.toBase58()) ?? 0);
      if (after[i] !== expected)
        throw new Error(`${label}: ${r.toBase58()} holds ${after[i]}, expected ${expected}`);
    });
  };
  const credit = (sent: Map<string, number>, to: PublicKey, amount: number) =>
    sent.set(to.toBase58(), (sent.get(to.toBase58()) ?? 0) + amount);
  const nextLamports = () => nextAmount++;
  return { payer, recipients, transfer, balances, check, credit, nextLamports };
}

type TransferFixture = ReturnType<typeof transferFixture>;

/** Section 1: web3.js sendAndConfirmTransaction one after the other (warm-up first). */
async function sequentialConfirmed(
  { connection, options, rows, progress }: BenchRun,
  { payer, recipients, transfer, balances, check, credit, nextLamports }: TransferFixture,
): Promise<void> {
  const { n } = options;
  // Warm-up (not counted): module loading, the first WebSocket connection, JIT.
  for (let i = 0; i < 5; i++) {
    const { tx } = transfer(await connection.getLatestBlockhash());
    await sendAndConfirmTransaction(connection, tx, [payer]);
  }

  progress(`web3.js sendAndConfirmTransaction × ${n}, sequential…`);
  {
    const before = await balances();
    const sent = new Map<string, number>();
    const latencies: number[] = [];
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const lamports = nextLamports();
      // Without a blockhash on the transaction, sendAndConfirmTransaction fetches one, signs, sends with
      // preflight and confirms (signatureSubscribe + block height): a whole client round trip per transfer.
      const tx = new Transaction().add(
        SystemProgram.transfer({
          fromPubkey: payer.publicKey,
          toPubkey: recipients[i % recipients.length]!,
          lamports,
        }),
      );
      credit(sent, recipients[i % recipients.length]!, lamports);
      await sendAndConfirmTransaction(connection, tx, [payer]);
      latencies.push(ms(t0));
    }
    const total = ms(start);
    await check(before, sent, 'sendAndConfirmTransaction');
    rows.push({
      section: '1',
      what: 'confirmed transfers, web3.js',
      how: 'sendAndConfirmTransaction, sequential (blockhash, preflight, WebSocket confirm)',
      count: String(n),
      rate: txs(n, total),
      p50: fixed(percentile(latencies, 50)),
      p95: fixed(percentile(latencies, 95)),
      size: '',
    });
  }
}

/** Section 1: getLatestBlockhash + sendRawTransaction + confirmTransaction, `concurrency` in flight. */
async function concurrentConfirmed(
  { connection, options, rows, progress }: BenchRun,
  { transfer, balances, check, credit }: TransferFixture,
): Promise<void> {
  const { n, concurrency } = options;
  progress(`web3.js sendRawTransaction + confirmTransaction × ${n}, ${concurrency} in flight…`);
  {
    const before = await balances();
    const sent = new Map<string, number>();
    const latencies: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        const t0 = performance.now();
        const blockhash = await connection.getLatestBlockhash();
        const { tx, to, amount } = transfer(blockhash);
        const signature = await connection.sendRawTransaction(tx.serialize());
        const { value } = await connection.confirmTransaction({ signature, ...blockhash }, 'confirmed');
        if (value.err) throw new Error(`transfer ${signature} failed: ${JSON.stringify(value.err)}`);
        latencies.push(ms(t0));
        credit(sent, to, amount);
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const total = ms(start);
    await check(before, sent, 'concurrent confirm');
    rows.push({
      section: '1',
      what: 'confirmed transfers, web3.js',
      how: `getLatestBlockhash + sendRawTransaction (preflight) + confirmTransaction (blockhash strategy), ${concurrency} in flight`,
      count: String(n),
      rate: txs(n, total),
      p50: fixed(percentile(latencies, 50)),
      p95: fixed(percentile(latencies, 95)),
      size: '',
    });
  }
}

/** Section 2: pre-signed transfers pushed over HTTP, then polled with getSignatureStatuses. */
async function rawOverHttp(
  { connection, options, rows, progress }: BenchRun,
  { transfer, balances, check, credit }: TransferFixture,
): Promise<void> {
  const { n, window } = options;
  progress(
    `sendRawTransaction (skipPreflight) × ${n} pre-signed, ${window} in flight, then getSignatureStatuses…`,
  );
  {
    const before = await balances();
    const sent = new Map<string, number>();
    const blockhash = await connection.getLatestBlockhash();
    const signed = Array.from({ length: n }, () => {
      const { tx, to, amount } = transfer(blockhash);
      credit(sent, to, amount);
      return { wire: tx.serialize(), signature: base58.encode(tx.signature!) };
    });
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(window, n) }, async () => {
        while (next < n) {
          const { wire, signature } = signed[next++]!;
          const returned = await connection.sendRawTransaction(wire, { skipPreflight: true });
          if (returned !== signature)
            throw new Error(`sendRawTransaction returned ${returned}, not ${signature}`);
        }
      }),
    );
    const pushed = ms(start);
    let pending = signed.map((s) => s.signature);
    let polls = 0;
    while (pending.length > 0) {
      const still: string[] = [];
      for (let i = 0; i < pending.length; i += 256) {
        const chunk = pending.slice(i, i + 256);
        const { value } = await connection.getSignatureStatuses(chunk);
        polls++;
        value.forEach((status, j) => {
          if (status?.err) throw new Error(`transfer ${chunk[j]} failed: ${JSON.stringify(status.err)}`);
          if (status?.confirmationStatus !== 'confirmed' && status?.confirmationStatus !== 'finalized')
            still.push(chunk[j]!);
        });
      }
      pending = still;
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const total = ms(start);
    await check(before, sent, 'raw');
    rows.push({
      section: '2',
      what: 'raw transfers over HTTP',
      how: `pre-signed, sendRawTransaction (skipPreflight), ${window} in flight, then getSignatureStatuses (${polls} call${polls === 1 ? '' : 's'} of ≤ 256)`,
      count: String(n),
      rate: `${txs(n, total)} (sent: ${txs(n, pushed)})`,
      p50: '',
      p95: '',
      size: '',
    });
  }
}

/** Section 2: the same count processed by the ledger directly (no HTTP, no JSON). */
async function rawInProcess(
  { localnet, options, rows, progress }: BenchRun,
  { transfer, balances, check, credit }: TransferFixture,
): Promise<void> {
  const { n } = options;
  progress(`bank.process × ${n} pre-signed (in-process, no HTTP)…`);
  {
    const before = await balances();
    const sent = new Map<string, number>();
    const { blockhash, lastValidBlockHeight } = localnet.bank.latestBlockhash();
    const signed = Array.from({ length: n }, () => {
      const { tx, to, amount } = transfer({ blockhash, lastValidBlockHeight });
      credit(sent, to, amount);
      return tx.serialize();
    });
    const start = performance.now();
    for (const wire of signed) {
      const result = localnet.bank.process(wire);
      if (result.err) throw new Error(`bank.process: ${JSON.stringify(result.err)}`);
    }
    const total = ms(start);
    await check(before, sent, 'bank.process');
    rows.push({
      section: '2',
      what: 'raw transfers, in-process',
      how: 'pre-signed, localnet.bank.process(wire) one after the other (the emulator without HTTP/JSON)',
      count: String(n),
      rate: txs(n, total),
      p50: '',
      p95: '',
      size: '',
    });
  }
}
