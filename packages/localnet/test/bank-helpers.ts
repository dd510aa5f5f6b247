/** In-process helpers for tests of the emulated programs: a bank at genesis, funded keys, transactions. */
import {
  decodeJobAccount,
  decodeMarketAccount,
  decodeRunAccount,
  finishJobInstruction,
  getProgramIds,
  listJobInstruction,
  marketVaultAddress,
  type NosanaProgramIds,
  stakeInstruction,
  workInstruction,
} from '@nosana/chain';
import {
  AccountLayout,
  createAssociatedTokenAccountIdempotentInstruction,
  getAssociatedTokenAddressSync,
} from '@solana/spl-token';
import { Keypair, PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { airdropNos, createGenesis, type LocalnetInfo } from '../src/genesis.js';
import type { GenesisOptions } from '../src/genesis-rewards.js';
import { createJobsProgram } from '../src/programs/jobs.js';
import { createPoolsProgram } from '../src/programs/pools.js';
import { createRewardsProgram } from '../src/programs/rewards.js';
import { createStakingProgram } from '../src/programs/staking.js';
import { Bank, type ProcessResult } from '../src/solana/bank.js';
import { processInstructions } from '../src/solana/process-instructions.js';

export interface TestChain {
  bank: Bank;
  ids: NosanaProgramIds;
  info: LocalnetInfo;
  market: PublicKey;
  /** Sends a transaction; the first signer pays. */
  send(instructions: TransactionInstruction[], signers: Keypair[]): ProcessResult;
  /** A new key with SOL and, optionally, NOS (base units). */
  user(nos?: bigint): Keypair;
  /** NOS in `owner`'s associated token account. */
  nos(owner: PublicKey): bigint;
  /** Balance of a token account. */
  tokens(account: PublicKey): bigint;
  ata(owner: PublicKey): PublicKey;
  vault(market?: PublicKey): PublicKey;
  job(address: PublicKey): ReturnType<typeof decodeJobAccount> | null;
  run(address: PublicKey): ReturnType<typeof decodeRunAccount> | null;
  marketAccount(market?: PublicKey): ReturnType<typeof decodeMarketAccount>;
  /** Creates the node's NOS account and (0 NOS, 14 days) stake account, as the node software does. */
  stake(node: Keypair): void;
  list(
    poster: Keypair,
    timeout: number,
    options?: { market?: PublicKey; digest?: Uint8Array },
  ): { job: Keypair; run: Keypair; result: ProcessResult };
  work(node: Keypair, market?: PublicKey): { run: Keypair; result: ProcessResult };
  finish(node: Keypair, job: PublicKey, run: PublicKey, options?: { result?: Uint8Array }): ProcessResult;
  advance(seconds: number): void;
}

/** A bank at genesis with every emulated program; `now` is its wall clock, `genesis` its genesis settings. */
export function createTestChain(now?: () => number, genesis: GenesisOptions = {}): TestChain {
  const ids = getProgramIds('mainnet');
  const bank = Bank.create({
    programs: [
      createJobsProgram(ids, { feeFraction: genesis.jobFeeFraction ?? 0 }),
      createStakingProgram(ids),
      createRewardsProgram(ids),
      createPoolsProgram(ids),
    ],
    ...(now ? { now } : {}),
  });
  const info = createGenesis(bank, 'mainnet', genesis);
  const market = new PublicKey(info.markets[0]!.address);
  const ata = (owner: PublicKey) => getAssociatedTokenAddressSync(ids.nosMint, owner, true);
  const send = (instructions: TransactionInstruction[], signers: Keypair[]) =>
    processInstructions(bank, instructions, signers);
  const tokenBalance = (address: PublicKey) => {
    const account = bank.getAccount(address);
    return account ? AccountLayout.decode(Buffer.from(account.data)).amount : 0n;
  };
  const vault = (m = market) => marketVaultAddress(m, ids).address;
  const chain: TestChain = {
    bank,
    ids,
    info,
    market,
    send,
    user(nos = 0n) {
      const key = Keypair.generate();
      bank.airdrop(key.publicKey.toBase58(), 10_000_000_000n);
      if (nos > 0n) airdropNos(bank, ids, key.publicKey.toBase58(), nos);
      return key;
    },
    nos: (owner) => tokenBalance(ata(owner)),
    tokens: tokenBalance,
    ata,
    vault,
    job(address) {
      const account = bank.getAccount(address);
      return account && account.data.length > 0 ? decodeJobAccount(account.data) : null;
    },
    run(address) {
      const account = bank.getAccount(address);
      return account && account.data.length > 0 ? decodeRunAccount(account.data) : null;
    },
    marketAccount: (m = market) => decodeMarketAccount(bank.getAccount(m)!.data),
    stake(node) {
      // Like the node software: its NOS token account first (`stake` and `work` need it), then the stake.
      const result = send(
        [
          createAssociatedTokenAccountIdempotentInstruction(
            node.publicKey,
            ata(node.publicKey),
            node.publicKey,
            ids.nosMint,
          ),
          stakeInstruction({ authority: node.publicKey, ids }),
        ],
        [node],
      );
      if (result.err)
        throw new Error(`stake failed: ${JSON.stringify(result.err)}\n${result.logs.join('\n')}`);
    },
    list(poster, timeout, options = {}) {
      const job = Keypair.generate();
      const run = Keypair.generate();
      const m = options.market ?? market;
      const result = send(
        [
          listJobInstruction({
            market: m,
            poster: poster.publicKey,
            job: job.publicKey,
            run: run.publicKey,
            ipfsJob: options.digest ?? new Uint8Array(32).fill(7),
            timeout,
            ids,
          }),
        ],
        [poster, job, run],
      );
      return { job, run, result };
    },
    work(node, m = market) {
      const run = Keypair.generate();
      const result = send(
        [workInstruction({ market: m, node: node.publicKey, run: run.publicKey, ids })],
        [node, run],
      );
      return { run, result };
    },
    finish(node, job, run, options = {}) {
      const jobAccount = chain.job(job)!;
      const runAccount = chain.run(run)!;
      return send(
        [
          finishJobInstruction({
            job,
            run,
            market: jobAccount.market,
            node: node.publicKey,
            jobPayer: jobAccount.payer,
            runPayer: runAccount.payer,
            ipfsResult: options.result ?? new Uint8Array(32).fill(9),
            ids,
          }),
        ],
        [node],
      );
    },
    advance(seconds) {
      bank.advanceClock(seconds);
    },
  };
  return chain;
}

/** The Anchor error name in a failed transaction's logs. */
export function errorName(result: ProcessResult): string | undefined {
  for (const line of result.logs) {
    const match = /Error Code: (\w+)\./.exec(line);
    if (match) return match[1];
  }
  return result.err ? JSON.stringify(result.err) : undefined;
}
