/**
 * The Nosana Jobs program, emulated in TypeScript with the real program's interface and rules
 * (nosana-ci/nosana-programs: programs/nosana-jobs). Accounts, constraints and error codes follow the Rust
 * `#[derive(Accounts)]` structs in order; escrow moves through real SPL Token transfers signed by the market
 * vault PDA. Market instructions are in `jobs-markets.ts`, the instruction context in `jobs-instruction.ts`.
 */
import {
  type JobAccount,
  JobAccountState,
  NOSANA_JOBS_IDL,
  type NosanaProgramIds,
  QueueType,
} from '@nosana/chain';
import { TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { SystemProgram } from '@solana/web3.js';
import type { EmulatedProgram } from '../solana/emulation.js';
import { commonError, ensure, jobsError, noDuplicateMutable, readInstruction } from './anchor.js';
import {
  asBigInt,
  bytes32,
  deposit,
  isNull,
  JobsInstruction,
  postJob,
  reimbursement,
  removeFromQueue,
} from './jobs-instruction.js';
import { marketHandlers } from './jobs-markets.js';

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

/** Options of {@link createJobsProgram}. */
export interface JobsProgramOptions {
  /**
   * The network fee's divisor (the real program's `JOB_FEE_FRACTION`): `list`, `assign` and `extend` charge the
   * payer `deposit / feeFraction` on top of the deposit and add it to the Rewards. 0 (the default, as on the real
   * network since 2026-05) disables the fee; it was 10 before.
   */
  feeFraction?: number;
}

/**
 * The emulated Jobs program for a program set.
 *
 * @example
 * ```ts
 * const bank = Bank.create({ programs: [createJobsProgram(getProgramIds('mainnet'))] });
 * const withFee = createJobsProgram(getProgramIds('mainnet'), { feeFraction: 10 });
 * ```
 */
export function createJobsProgram(ids: NosanaProgramIds, options: JobsProgramOptions = {}): EmulatedProgram {
  const feeFraction = BigInt(options.feeFraction ?? 0);
  return {
    programId: ids.jobs,
    name: 'nosana_jobs',
    execute(context) {
      const ix = readInstruction(context, NOSANA_JOBS_IDL);
      noDuplicateMutable(ix, DUPLICATE_CHECKED[ix.decoded.name] ?? []);
      const handler = handlers[ix.decoded.name as keyof typeof handlers];
      handler(new JobsInstruction(context, ix.account, ix.decoded.args, ids, feeFraction));
    },
  };
}

const handlers = {
  ...marketHandlers,

  list(x: JobsInstruction) {
    postJob(x, 'list');
  },

  assign(x: JobsInstruction) {
    postJob(x, 'assign');
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
    x.depositWithFee(payer, deposit(job.price, duration));
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
