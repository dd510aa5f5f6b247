/**
 * The Nosana Jobs program, emulated in TypeScript with the real program's interface and rules
 * (nosana-ci/nosana-programs: programs/nosana-jobs). Accounts, constraints and error codes follow the Rust
 * `#[derive(Accounts)]` structs in order; escrow moves through real SPL Token transfers signed by the market
 * vault PDA.
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
  NOSANA_JOBS_IDL,
  type NosanaProgramIds,
  OFFSETS,
  QueueType,
  type RunAccount,
  RunAccountState,
  SYSTEM_PROGRAM_ADDRESS,
  stakeAddress,
} from '@nosana/chain';
import {
  createCloseAccountInstruction,
  createInitializeAccount3Instruction,
  createTransferInstruction,
  getAssociatedTokenAddressSync,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token';
import { type AccountMeta, PublicKey, SYSVAR_RENT_PUBKEY, SystemProgram } from '@solana/web3.js';
import type { EmulatedProgram, InstructionContext } from '../solana/emulation.js';
import {
  commonError,
  ensure,
  expectAddress,
  expectSysvar,
  frameworkError,
  initAccount,
  jobsError,
  noDuplicateMutable,
  programAccount,
  readInstruction,
  signer,
  stakingError,
  tokenAccount,
  writable,
} from './anchor.js';

const NULL_RESULT = new Uint8Array(32);
const SYSTEM = new PublicKey(SYSTEM_PROGRAM_ADDRESS);
const isNull = (bytes: Uint8Array) => bytes.every((b) => b === 0);
const U64_MAX = (1n << 64n) - 1n;

/**
 * The `mut` fields of each instruction's accounts struct that Anchor ≥ 1.0 checks for duplicates: typed
 * accounts (`Account<T>`) that are neither `init` nor marked `dup` (finish's and end's `deposit` are `dup`, so
 * a node may be paid into the poster's own account).
 */
const DUPLICATE_CHECKED: Record<string, readonly string[]> = {
  close: ['market', 'vault', 'user'],
  close_admin: ['market', 'vault', 'user'],
  assign: ['market', 'user', 'vault', 'rewardsReflection', 'rewardsVault'],
  list: ['market', 'user', 'vault', 'rewardsReflection', 'rewardsVault'],
  delist: ['job', 'market', 'deposit', 'vault'],
  recover: ['job', 'vault', 'user'],
  extend: ['job', 'user', 'vault', 'rewardsReflection', 'rewardsVault'],
  end: ['job', 'run', 'user', 'vault'],
  finish: ['job', 'run', 'vault', 'user'],
  quit: ['job', 'run'],
};

/**
 * The emulated Jobs program for a program set.
 *
 * @example
 * ```ts
 * const bank = Bank.create({ programs: [createJobsProgram(getProgramIds('mainnet'))] });
 * ```
 */
export function createJobsProgram(ids: NosanaProgramIds): EmulatedProgram {
  return {
    programId: ids.jobs,
    name: 'nosana_jobs',
    execute(context) {
      const ix = readInstruction(context, NOSANA_JOBS_IDL);
      noDuplicateMutable(ix, DUPLICATE_CHECKED[ix.decoded.name] ?? []);
      const handler = handlers[ix.decoded.name as keyof typeof handlers];
      handler(new JobsInstruction(context, ix.account, ix.decoded.args, ids));
    },
  };
}

/** One Jobs instruction being executed: account loading and the program's helpers. */
class JobsInstruction {
  constructor(
    readonly context: InstructionContext,
    readonly meta: (name: string) => AccountMeta,
    readonly args: Record<string, unknown>,
    readonly ids: NosanaProgramIds,
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

const addToQueue = (market: MarketAccount, entry: PublicKey, isJob: boolean) => {
  if (market.jobType === JobType.Unknown) return;
  if (market.queueType === QueueType.Empty) market.queueType = isJob ? QueueType.Job : QueueType.Node;
  market.queue.push(entry);
};
const removeFromQueue = (market: MarketAccount, entry: PublicKey) => {
  const index = market.queue.findIndex((k) => k.equals(entry));
  ensure(index !== -1, () => jobsError('NotInMarketQueue'));
  market.queue.splice(index, 1);
  if (market.queue.length === 0) market.queueType = QueueType.Empty;
};
const popFromQueue = (market: MarketAccount): PublicKey => {
  if (market.queue.length === 1) market.queueType = QueueType.Empty;
  return market.queue.shift()!;
};
/** `price * u64::try_from(timeout).unwrap()`: the program panics on a negative timeout or an overflow. */
const deposit = (price: bigint, timeout: bigint) => {
  if (timeout < 0n) throw new Error('called `Result::unwrap()` on an `Err` value: TryFromIntError(())');
  if (price * timeout > U64_MAX) throw new Error('attempt to multiply with overflow');
  return price * timeout;
};
const reimbursement = (job: JobAccount) =>
  job.price * BigInt(Math.min(job.timeEnd - job.timeStart, job.timeout));
const asBigInt = (value: unknown) => BigInt(value as bigint | number);
const bytes32 = (value: unknown) => value as Uint8Array;

const handlers = {
  open(x: JobsInstruction) {
    const authority = x.signer('authority');
    x.mut('authority');
    ensure(x.key('mint').equals(x.ids.nosMint), () => commonError('InvalidMint', 'mint'));
    expectSysvar(x.meta('rent'), SYSVAR_RENT_PUBKEY, 'rent');
    x.program('systemProgram', SystemProgram.programId);
    x.program('tokenProgram', TOKEN_PROGRAM_ID);
    const market = x.key('market');
    x.signer('market');
    x.mut('market');
    initAccount(x.context, {
      account: market,
      payer: authority,
      space: ACCOUNT_SPACE.MarketAccount,
      owner: x.ids.jobs,
    });
    const [vault, bump] = PublicKey.findProgramAddressSync(
      [market.toBytes(), x.ids.nosMint.toBytes()],
      x.ids.jobs,
    );
    ensure(x.key('vault').equals(vault), () => frameworkError('ConstraintSeeds', 'vault'));
    initAccount(x.context, {
      account: vault,
      payer: authority,
      space: 165,
      owner: TOKEN_PROGRAM_ID,
      seeds: [market.toBytes(), x.ids.nosMint.toBytes(), Uint8Array.of(bump)],
    });
    x.context.invoke([createInitializeAccount3Instruction(vault, x.ids.nosMint, vault)]);
    const jobType = Object.values(JobType).includes(Number(x.args.jobType) as never)
      ? Number(x.args.jobType)
      : JobType.Unknown;
    x.saveMarket({
      authority,
      jobExpiration: Number(x.args.jobExpiration),
      jobPrice: asBigInt(x.args.jobPrice),
      jobTimeout: Number(x.args.jobTimeout),
      jobType,
      vault,
      vaultBump: bump,
      nodeAccessKey: x.key('accessKey'),
      nodeXnosMinimum: asBigInt(x.args.nodeXnosMinimum),
      queueType: QueueType.Empty,
      queue: [],
    });
  },

  update(x: JobsInstruction) {
    x.mut('market');
    const market = x.market();
    const authority = x.signer('authority');
    ensure(market.authority.equals(authority), () => commonError('Unauthorized', 'market'));
    x.saveMarket({
      ...market,
      jobExpiration: Number(x.args.jobExpiration),
      jobPrice: asBigInt(x.args.jobPrice),
      jobType: Number(x.args.jobType),
      nodeAccessKey: x.key('accessKey'),
      nodeXnosMinimum: asBigInt(x.args.nodeStakeMinimum),
      jobTimeout: Number(x.args.jobTimeout),
    });
  },

  close(x: JobsInstruction) {
    closeMarket(x, (market, authority) =>
      ensure(market.authority.equals(authority), () => commonError('Unauthorized', 'market')),
    );
  },

  close_admin(x: JobsInstruction) {
    closeMarket(x, (_, authority) =>
      ensure(authority.equals(x.ids.marketAdmin), () => commonError('Unauthorized', 'authority')),
    );
  },

  list(x: JobsInstruction) {
    const jobKey = x.signer('job');
    x.mut('job');
    x.mut('market');
    const market = x.market();
    ensure(market.vault.equals(x.key('vault')), () => commonError('InvalidVault', 'market'));
    x.freshRun();
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
    if (market.queueType === QueueType.Node) x.createRun({ job: jobKey, node: popFromQueue(market), payer });
    else addToQueue(market, jobKey, true);
    x.saveMarket(market);
    if (job.price === 0n) return;
    x.transferToVault('user', payer, deposit(job.price, timeout));
  },

  assign(x: JobsInstruction) {
    const jobKey = x.signer('job');
    x.mut('job');
    x.mut('market');
    const market = x.market();
    ensure(market.vault.equals(x.key('vault')), () => commonError('InvalidVault', 'market'));
    ensure(market.queueType === QueueType.Node, () => jobsError('MarketInWrongState', 'market'));
    x.signer('run');
    x.mut('run');
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
    const node = x.key('node');
    removeFromQueue(market, node);
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
    x.createRun({ job: jobKey, node, payer });
    x.saveMarket(market);
    if (job.price === 0n) return;
    x.transferToVault('user', payer, deposit(job.price, timeout));
  },

  delist(x: JobsInstruction) {
    x.mut('job');
    const job = x.job();
    const authority = x.signer('authority');
    x.mut('authority');
    ensure(job.payer.equals(x.key('payer')), () => commonError('InvalidPayer', 'job'));
    ensure(job.market.equals(x.key('market')), () => jobsError('InvalidMarketAccount', 'job'));
    ensure(job.project.equals(authority), () => commonError('Unauthorized', 'job'));
    ensure(job.state === JobAccountState.Queued, () => jobsError('JobInWrongState', 'job'));
    x.mut('market');
    const market = x.market();
    ensure(market.vault.equals(x.key('vault')), () => commonError('InvalidVault', 'market'));
    ensure(market.queueType === QueueType.Job, () => jobsError('MarketInWrongState', 'market'));
    x.mut('deposit');
    x.token('deposit');
    ensure(job.price === 0n || x.key('deposit').equals(x.ata(x.key('payer'))), () =>
      commonError('InvalidATA', 'deposit'),
    );
    x.mut('payer');
    x.mut('vault');
    x.token('vault');
    x.program('tokenProgram', TOKEN_PROGRAM_ID);
    removeFromQueue(market, x.key('job'));
    x.saveMarket(market);
    if (job.price > 0n) x.transferFromVault('deposit', market, deposit(job.price, BigInt(job.timeout)));
    x.close('job', 'payer');
  },

  recover(x: JobsInstruction) {
    x.mut('job');
    const job = x.job();
    const authority = x.signer('authority');
    ensure(job.payer.equals(x.key('payer')), () => commonError('InvalidPayer', 'job'));
    ensure(job.market.equals(x.key('market')), () => jobsError('InvalidMarketAccount', 'job'));
    ensure(job.project.equals(authority), () => commonError('Unauthorized', 'job'));
    ensure(job.state === JobAccountState.Stopped, () => jobsError('JobInWrongState', 'job'));
    const market = x.market();
    ensure(market.vault.equals(x.key('vault')), () => commonError('InvalidVault', 'market'));
    x.mut('vault');
    x.token('vault');
    x.mut('user');
    x.token('user');
    x.mut('payer');
    x.program('tokenProgram', TOKEN_PROGRAM_ID);
    x.transferFromVault('user', market, deposit(job.price, BigInt(job.timeout)));
    x.close('job', 'payer');
  },

  extend(x: JobsInstruction) {
    x.mut('job');
    const job = x.job();
    const authority = x.signer('authority');
    const payer = x.signer('payer');
    ensure(job.market.equals(x.key('market')), () => jobsError('InvalidMarketAccount', 'job'));
    ensure(job.project.equals(authority), () => commonError('Unauthorized', 'job'));
    ensure(job.price === 0n || job.payer.equals(payer), () => commonError('Unauthorized', 'job'));
    ensure(job.state === JobAccountState.Queued, () => jobsError('JobInWrongState', 'job'));
    const market = x.market();
    ensure(market.vault.equals(x.key('vault')), () => commonError('InvalidVault', 'market'));
    x.mut('user');
    x.token('user');
    ensure(job.price === 0n || x.key('user').equals(x.ata(payer)), () => commonError('InvalidATA', 'user'));
    x.mut('vault');
    x.token('vault');
    x.mut('rewardsReflection');
    x.reflection();
    x.mut('rewardsVault');
    x.token('rewardsVault');
    x.program('rewardsProgram', x.ids.rewards);
    x.program('tokenProgram', TOKEN_PROGRAM_ID);
    const timeout = asBigInt(x.args.timeout);
    ensure(timeout > BigInt(job.timeout), () => jobsError('JobTimeoutNotGreater'));
    const duration = timeout - BigInt(job.timeout);
    x.saveJob({ ...job, timeout: Number(timeout) });
    if (job.price === 0n) return;
    x.transferToVault('user', payer, deposit(job.price, duration));
  },

  end(x: JobsInstruction) {
    x.mut('job');
    const job = x.job();
    const authority = x.signer('authority');
    x.mut('authority');
    ensure(job.market.equals(x.key('market')), () => jobsError('InvalidMarketAccount', 'job'));
    ensure(job.project.equals(authority), () => commonError('Unauthorized', 'job'));
    const market = x.market();
    ensure(market.vault.equals(x.key('vault')), () => commonError('InvalidVault', 'market'));
    x.mut('run');
    const run = x.run();
    ensure(run.payer.equals(x.key('payer')), () => commonError('InvalidPayer', 'run'));
    ensure(run.job.equals(x.key('job')), () => jobsError('InvalidJobAccount', 'run'));
    x.mut('deposit');
    x.token('deposit');
    ensure(job.price === 0n || x.key('deposit').equals(x.ata(job.payer)), () =>
      commonError('InvalidATA', 'deposit'),
    );
    x.mut('user');
    x.token('user');
    ensure(job.price === 0n || x.key('user').equals(x.ata(run.node)), () =>
      commonError('InvalidATA', 'user'),
    );
    x.mut('vault');
    x.token('vault');
    x.mut('payer');
    x.program('tokenProgram', TOKEN_PROGRAM_ID);
    const ended: JobAccount = {
      ...job,
      state: JobAccountState.Done,
      timeStart: run.time,
      timeEnd: x.context.now(),
      node: run.node,
    };
    x.saveJob(ended);
    if (job.price > 0n) {
      const total = deposit(job.price, BigInt(job.timeout));
      const amount = reimbursement(ended);
      x.transferFromVault('user', market, amount);
      x.transferFromVault('deposit', market, total - amount);
    }
    x.close('run', 'payer');
  },

  work(x: JobsInstruction) {
    x.freshRun();
    x.mut('market');
    const market = x.market();
    const authority = x.signer('authority');
    ensure(market.queueType === QueueType.Job || !market.queue.some((k) => k.equals(authority)), () =>
      jobsError('NodeAlreadyQueued', 'market'),
    );
    const payer = x.signer('payer');
    x.mut('payer');
    x.nodeAccess(market, authority);
    x.program('systemProgram', SystemProgram.programId);
    if (market.queueType === QueueType.Job)
      x.createRun({ job: popFromQueue(market), node: authority, payer });
    else addToQueue(market, authority, false);
    x.saveMarket(market);
  },

  stop(x: JobsInstruction) {
    x.mut('market');
    const market = x.market();
    const authority = x.signer('authority');
    ensure(market.queueType === QueueType.Node, () => jobsError('MarketInWrongState', 'market'));
    ensure(market.authority.equals(authority) || x.key('node').equals(authority), () =>
      commonError('Unauthorized', 'market'),
    );
    removeFromQueue(market, x.key('node'));
    x.saveMarket(market);
  },

  claim(x: JobsInstruction) {
    x.mut('job');
    const job = x.job();
    ensure(job.market.equals(x.key('market')), () => jobsError('InvalidMarketAccount', 'job'));
    ensure(job.state === JobAccountState.Stopped, () => jobsError('JobInWrongState', 'job'));
    x.signer('run');
    x.mut('run');
    const market = x.market();
    const payer = x.signer('payer');
    x.mut('payer');
    const authority = x.signer('authority');
    x.nodeAccess(market, authority);
    x.program('systemProgram', SystemProgram.programId);
    x.createRun({ job: x.key('job'), node: authority, payer });
  },

  complete(x: JobsInstruction) {
    x.mut('job');
    const job = x.job();
    const authority = x.signer('authority');
    ensure(job.state === JobAccountState.Done, () => jobsError('JobInWrongState', 'job'));
    ensure(job.node.equals(authority), () => commonError('Unauthorized', 'job'));
    ensure(isNull(job.ipfsResult), () => jobsError('JobResultsAlreadySet', 'job'));
    const result = bytes32(x.args.ipfsResult);
    ensure(!isNull(result), () => jobsError('JobResultNull'));
    x.saveJob({ ...job, ipfsResult: result });
  },

  finish(x: JobsInstruction) {
    x.mut('job');
    const job = x.job();
    ensure(job.market.equals(x.key('market')), () => jobsError('InvalidMarketAccount', 'job'));
    ensure(job.payer.equals(x.key('payerJob')), () => commonError('InvalidPayer', 'job'));
    x.mut('run');
    const run = x.run();
    const authority = x.signer('authority');
    ensure(run.payer.equals(x.key('payerRun')), () => commonError('InvalidPayer', 'run'));
    ensure(run.job.equals(x.key('job')), () => jobsError('InvalidJobAccount', 'run'));
    ensure(run.node.equals(authority), () => commonError('Unauthorized', 'run'));
    const market = x.market();
    ensure(market.vault.equals(x.key('vault')), () => commonError('InvalidVault', 'market'));
    x.mut('vault');
    x.token('vault');
    x.mut('deposit');
    x.token('deposit');
    ensure(job.price === 0n || x.key('deposit').equals(x.ata(x.key('payerJob'))), () =>
      commonError('InvalidATA', 'deposit'),
    );
    x.mut('user');
    const user = x.token('user');
    ensure(job.price === 0n || user.mint.equals(x.ids.nosMint), () => commonError('InvalidATA', 'user'));
    x.mut('payerRun');
    x.mut('payerJob');
    x.program('tokenProgram', TOKEN_PROGRAM_ID);
    const result = bytes32(x.args.ipfsResult);
    ensure(!isNull(result), () => jobsError('JobResultNull'));
    const finished: JobAccount = {
      ...job,
      ipfsResult: result,
      node: authority,
      state: JobAccountState.Done,
      timeEnd: x.context.now(),
      timeStart: run.time,
    };
    x.saveJob(finished);
    if (job.price > 0n) {
      const total = deposit(job.price, BigInt(job.timeout));
      const amount = reimbursement(finished);
      x.transferFromVault('user', market, amount);
      x.transferFromVault('deposit', market, total - amount);
    }
    x.close('run', 'payerRun');
  },

  quit(x: JobsInstruction) {
    x.mut('job');
    const job = x.job();
    x.mut('run');
    const run = x.run();
    const authority = x.signer('authority');
    ensure(run.job.equals(x.key('job')), () => jobsError('InvalidJobAccount', 'run'));
    ensure(run.payer.equals(x.key('payer')), () => commonError('InvalidPayer', 'run'));
    ensure(run.node.equals(authority), () => commonError('Unauthorized', 'run'));
    x.mut('payer');
    x.saveJob({ ...job, state: JobAccountState.Stopped });
    x.close('run', 'payer');
  },

  quit_admin(x: JobsInstruction) {
    x.mut('run');
    const run = x.run();
    ensure(run.payer.equals(x.key('payer')), () => commonError('InvalidPayer', 'run'));
    ensure(x.signer('authority').equals(x.ids.marketAdmin), () => commonError('Unauthorized', 'authority'));
    x.mut('payer');
    x.close('run', 'payer');
  },

  clean(x: JobsInstruction) {
    x.mut('job');
    const job = x.job();
    ensure(job.payer.equals(x.key('payer')), () => commonError('InvalidPayer', 'job'));
    ensure(job.state === JobAccountState.Done, () => jobsError('JobInWrongState', 'job'));
    const market = x.market();
    ensure(market.jobExpiration < x.context.now() - job.timeEnd, () => jobsError('JobNotExpired', 'job'));
    x.mut('payer');
    x.close('job', 'payer');
  },

  clean_admin(x: JobsInstruction) {
    x.mut('job');
    const job = x.job();
    ensure(job.payer.equals(x.key('payer')), () => commonError('InvalidPayer', 'job'));
    ensure(x.signer('authority').equals(x.ids.marketAdmin), () => commonError('Unauthorized', 'authority'));
    x.mut('payer');
    x.close('job', 'payer');
  },
};

function closeMarket(
  x: JobsInstruction,
  authorize: (market: MarketAccount, authority: PublicKey) => void,
): void {
  x.mut('market');
  const market = x.market();
  const authority = x.signer('authority');
  authorize(market, authority);
  ensure(market.vault.equals(x.key('vault')), () => commonError('InvalidVault', 'market'));
  x.mut('vault');
  const vault = x.token('vault');
  x.mut('user');
  x.token('user');
  x.program('tokenProgram', TOKEN_PROGRAM_ID);
  const seeds = [x.vaultSeeds(market, x.key('market'))];
  // The program drains the vault into `user` (even an empty one) before closing it.
  x.context.invoke(
    [createTransferInstruction(x.key('vault'), x.key('user'), x.key('vault'), vault.amount)],
    seeds,
  );
  x.context.invoke([createCloseAccountInstruction(x.key('vault'), authority, x.key('vault'))], seeds);
  x.context.closeAccount(x.key('market'), authority);
}
