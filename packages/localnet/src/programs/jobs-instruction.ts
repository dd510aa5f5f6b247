/**
 * One instruction of the emulated Jobs program being executed: account loading with Anchor's checks, the
 * program's helpers (vault transfers, run accounts, queues, deposits) and `postJob`, shared by `list` and
 * `assign`.
 */
import {
  ACCOUNT_SPACE,
  decodeJobAccount,
  decodeMarketAccount,
  decodeReflectionAccount,
  decodeRunAccount,
  decodeStakeAccount,
  encodeJobAccount,
  encodeMarketAccount,
  encodeRunAccount,
  type JobAccount,
  JobAccountState,
  JobType,
  type MarketAccount,
  type NosanaProgramIds,
  OFFSETS,
  QueueType,
  type RunAccount,
  RunAccountState,
  rewardsInstruction,
  SYSTEM_PROGRAM_ADDRESS,
  stakeAddress,
} from '@nosana/chain';
import {
  createTransferInstruction,
  getAssociatedTokenAddressSync,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token';
import { type AccountMeta, PublicKey, SystemProgram } from '@solana/web3.js';
import { type InstructionContext, ProgramPanic } from '../solana/emulation.js';
import {
  commonError,
  ensure,
  expectAddress,
  frameworkError,
  initAccount,
  jobsError,
  programAccount,
  signer,
  stakingError,
  tokenAccount,
  writable,
} from './anchor.js';

export const NULL_RESULT = new Uint8Array(32);
export const SYSTEM = new PublicKey(SYSTEM_PROGRAM_ADDRESS);
export const isNull = (bytes: Uint8Array) => bytes.every((b) => b === 0);
const U64_MAX = (1n << 64n) - 1n;

/** One Jobs instruction being executed: account loading and the program's helpers. */
export class JobsInstruction {
  constructor(
    readonly context: InstructionContext,
    readonly meta: (name: string) => AccountMeta,
    readonly args: Record<string, unknown>,
    readonly ids: NosanaProgramIds,
    /** The network fee's divisor of a deposit (`JOB_FEE_FRACTION`); 0 disables the fee. */
    readonly feeFraction = 0n,
  ) {}

  key(name: string): PublicKey {
    return this.meta(name).pubkey;
  }
  signer(name: string): PublicKey {
    return signer(this.meta(name), name);
  }
  mut(name: string): PublicKey {
    return writable(this.meta(name), name);
  }
  market(name = 'market'): MarketAccount {
    return programAccount(
      this.context,
      this.meta(name),
      name,
      this.ids.jobs,
      'MarketAccount',
      decodeMarketAccount,
    );
  }
  job(name = 'job'): JobAccount {
    return programAccount(this.context, this.meta(name), name, this.ids.jobs, 'JobAccount', decodeJobAccount);
  }
  run(name = 'run'): RunAccount {
    return programAccount(this.context, this.meta(name), name, this.ids.jobs, 'RunAccount', decodeRunAccount);
  }
  token(name: string) {
    return tokenAccount(this.context, this.meta(name), name);
  }
  /** `rewards_reflection: Account<'info, ReflectionAccount>`: the Rewards program's reflection account. */
  reflection(name = 'rewardsReflection') {
    return programAccount(
      this.context,
      this.meta(name),
      name,
      this.ids.rewards,
      'ReflectionAccount',
      decodeReflectionAccount,
    );
  }
  program(name: string, id: PublicKey): void {
    expectAddress(this.meta(name), id, name);
  }
  saveMarket(market: MarketAccount, name = 'market'): void {
    const size = this.context.getAccount(this.key(name))!.data.length;
    // Anchor serializes the account on exit into its fixed allocation; a longer queue does not fit.
    ensure(OFFSETS.market.queue + 32 * market.queue.length <= size, () =>
      frameworkError('AccountDidNotSerialize', name),
    );
    this.context.setData(this.key(name), encodeMarketAccount(market, size));
  }
  saveJob(job: JobAccount, name = 'job'): void {
    this.context.setData(
      this.key(name),
      encodeJobAccount(job, this.context.getAccount(this.key(name))!.data.length),
    );
  }
  /** The payer's NOS associated token account. */
  ata(owner: PublicKey): PublicKey {
    return getAssociatedTokenAddressSync(this.ids.nosMint, owner, true);
  }
  /** Vault PDA signer seeds `[market, mint, bump]`. */
  vaultSeeds(market: MarketAccount, marketKey: PublicKey): Uint8Array[] {
    return [marketKey.toBytes(), this.ids.nosMint.toBytes(), Uint8Array.of(market.vaultBump)];
  }
  /** A token transfer into the vault; like the program, also for 0 (the Token program still checks accounts). */
  transferToVault(from: string, authority: PublicKey, amount: bigint): void {
    this.context.invoke([createTransferInstruction(this.key(from), this.key('vault'), authority, amount)]);
  }
  /** A token transfer out of the vault signed by its PDA; also for 0, as the program does. */
  transferFromVault(to: string, market: MarketAccount, amount: bigint): void {
    this.context.invoke(
      [createTransferInstruction(this.key('vault'), this.key(to), this.key('vault'), amount)],
      [this.vaultSeeds(market, this.key('market'))],
    );
  }
  /**
   * The deposit of `list`, `assign` and `extend`, then the network fee on it (`deposit / fee_fraction`, none when
   * the fraction is 0 or the fee rounds to 0): the payer pays it on top, from `user` into the Rewards vault, by CPI
   * to the Rewards program's `add_fee` (so stakers share it).
   */
  depositWithFee(payer: PublicKey, amount: bigint): void {
    this.transferToVault('user', payer, amount);
    const fee = this.feeFraction > 0n ? amount / this.feeFraction : 0n;
    if (fee === 0n) return;
    const addFee = rewardsInstruction(
      'add_fee',
      {
        user: this.key('user'),
        reflection: this.key('rewardsReflection'),
        vault: this.key('rewardsVault'),
        authority: payer,
      },
      { amount: fee },
      this.ids.rewards,
    );
    this.context.invoke([addFee]);
  }
  /** Anchor's `close = destination`. */
  close(name: string, destination: string): void {
    this.context.closeAccount(this.key(name), this.key(destination));
  }
  /** `RunAccount::initialize`: creates the run account (fresh keypair) paid by `payer`. */
  createRun(run: { job: PublicKey; node: PublicKey; payer: PublicKey }): void {
    initAccount(this.context, {
      account: this.key('run'),
      payer: run.payer,
      space: ACCOUNT_SPACE.RunAccount,
      owner: this.ids.jobs,
    });
    this.context.setData(
      this.key('run'),
      encodeRunAccount({ ...run, state: RunAccountState.Running, time: this.context.now() }),
    );
  }
  /** The checks of the fresh `run` account of `list` and `work`: signer, system-owned, no lamports. */
  freshRun(): void {
    const meta = this.meta('run');
    writable(meta, 'run');
    ensure(meta.isSigner, () => commonError('MissingSignature', 'run'));
    const account = this.context.getAccount(meta.pubkey);
    // Raw `constraint`s come before the `owner` constraint in Anchor's checks.
    ensure(account === null || account.lamports === 0n, () => commonError('LamportsNonNull', 'run'));
    ensure(account === null || account.owner.equals(SYSTEM), () => commonError('InvalidOwner', 'run'));
  }
  /** `stake` and access checks of `work` and `claim`. */
  nodeAccess(market: MarketAccount, authority: PublicKey): void {
    const stakeMeta = this.meta('stake');
    ensure(stakeMeta.pubkey.equals(stakeAddress(authority, this.ids).address), () =>
      stakingError('InvalidStakeAccount', 'stake'),
    );
    const stake = programAccount(
      this.context,
      stakeMeta,
      'stake',
      this.ids.staking,
      'StakeAccount',
      decodeStakeAccount,
    );
    ensure(stake.authority.equals(authority), () => commonError('Unauthorized', 'stake'));
    ensure(stake.xnos >= market.nodeXnosMinimum, () => jobsError('NodeNotEnoughStake', 'stake'));
    const nft = this.token('nft');
    const open = market.nodeAccessKey.equals(SYSTEM);
    ensure(open || nft.owner.equals(authority), () => jobsError('NodeNftWrongOwner', 'nft'));
    ensure(open || nft.amount >= 1n, () => jobsError('NodeNftInvalidAmount', 'nft'));
    // Collection-gated markets need Metaplex metadata, which the localnet does not run.
    ensure(open, () => jobsError('NodeKeyInvalidCollection', 'metadata'));
  }
}

export const addToQueue = (market: MarketAccount, entry: PublicKey, isJob: boolean) => {
  if (market.jobType === JobType.Unknown) return;
  if (market.queueType === QueueType.Empty) market.queueType = isJob ? QueueType.Job : QueueType.Node;
  market.queue.push(entry);
};
export const removeFromQueue = (market: MarketAccount, entry: PublicKey) => {
  const index = market.queue.findIndex((k) => k.equals(entry));
  ensure(index !== -1, () => jobsError('NotInMarketQueue'));
  market.queue.splice(index, 1);
  if (market.queue.length === 0) market.queueType = QueueType.Empty;
};
export const popFromQueue = (market: MarketAccount): PublicKey => {
  if (market.queue.length === 1) market.queueType = QueueType.Empty;
  return market.queue.shift()!;
};
/** `price * u64::try_from(timeout).unwrap()`: the program panics on a negative timeout or an overflow. */
export const deposit = (price: bigint, timeout: bigint) => {
  if (timeout < 0n)
    throw new ProgramPanic('called `Result::unwrap()` on an `Err` value: TryFromIntError(())');
  if (price * timeout > U64_MAX) throw new ProgramPanic('attempt to multiply with overflow');
  return price * timeout;
};
export const reimbursement = (job: JobAccount) =>
  job.price * BigInt(Math.min(job.timeEnd - job.timeStart, job.timeout));
export const asBigInt = (value: unknown) => BigInt(value as bigint | number);
export const bytes32 = (value: unknown) => value as Uint8Array;

/**
 * `list` and `assign`: the same accounts and checks around a new job (its `init`, the deposit into the vault);
 * `list` takes a fresh run account and matches a queued node or queues the job, `assign` takes a named node
 * out of a node queue.
 */
export function postJob(x: JobsInstruction, mode: 'list' | 'assign'): void {
  const jobKey = x.signer('job');
  x.mut('job');
  x.mut('market');
  const market = x.market();
  ensure(market.vault.equals(x.key('vault')), () => commonError('InvalidVault', 'market'));
  if (mode === 'assign') {
    ensure(market.queueType === QueueType.Node, () => jobsError('MarketInWrongState', 'market'));
    x.signer('run');
    x.mut('run');
  } else x.freshRun();
  const payer = x.signer('payer');
  x.mut('payer');
  x.mut('user');
  x.token('user');
  ensure(market.jobPrice === 0n || x.key('user').equals(x.ata(payer)), () =>
    commonError('InvalidATA', 'user'),
  );
  x.mut('vault');
  x.token('vault');
  x.mut('rewardsReflection');
  x.reflection();
  x.mut('rewardsVault');
  x.token('rewardsVault');
  const authority = x.signer('authority');
  x.program('rewardsProgram', x.ids.rewards);
  x.program('tokenProgram', TOKEN_PROGRAM_ID);
  x.program('systemProgram', SystemProgram.programId);
  initAccount(x.context, { account: jobKey, payer, space: ACCOUNT_SPACE.JobAccount, owner: x.ids.jobs });
  const node = mode === 'assign' ? x.key('node') : undefined;
  if (node) removeFromQueue(market, node);
  const timeout = asBigInt(x.args.timeout);
  const job: JobAccount = {
    ipfsJob: bytes32(x.args.ipfsJob),
    ipfsResult: NULL_RESULT,
    market: x.key('market'),
    node: SYSTEM,
    payer,
    price: market.jobPrice,
    project: authority,
    state: JobAccountState.Queued,
    timeEnd: 0,
    timeStart: 0,
    timeout: Number(timeout),
  };
  x.saveJob(job);
  if (node) x.createRun({ job: jobKey, node, payer });
  else if (market.queueType === QueueType.Node)
    x.createRun({ job: jobKey, node: popFromQueue(market), payer });
  else addToQueue(market, jobKey, true);
  x.saveMarket(market);
  if (job.price === 0n) return;
  x.depositWithFee(payer, deposit(job.price, timeout));
}
