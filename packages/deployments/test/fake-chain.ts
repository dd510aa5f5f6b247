import { type CidV0, type JobDefinition, jobDeposit, NosanaError } from '@nosana/core';
import { Keypair } from '@solana/web3.js';
import type { ChainJob, DeploymentChain } from '../src/chain.js';

/** A job on the fake chain. */
export interface FakeJob extends ChainJob {
  address: string;
  cid: CidV0;
}

/** Parameters of {@link createFakeChain}. */
export interface FakeChainParameters {
  /** The fake clock (ms), shared with the manager. */
  clock: { now: number };
  price?: bigint;
  balance?: bigint;
  /** Nodes take queued jobs at once (default true). */
  autoRun?: boolean;
}

/**
 * An in-memory chain behind the {@link DeploymentChain} interface with the Jobs program's rules that matter to
 * the manager: a job account is created once, extend sets an absolute timeout above the current one, stop
 * delists/ends/recovers, running jobs complete at their timeout (`advance`). `faults` injects crashes.
 */
export function createFakeChain({
  clock,
  price = 100n,
  balance = 1_000_000_000n,
  autoRun = true,
}: FakeChainParameters) {
  const jobs = new Map<string, FakeJob>();
  const owner = Keypair.generate().publicKey.toBase58();
  const calls = { list: 0, extend: 0, stop: 0, listed: [] as string[], reads: 0 };
  /** Throw (as a network failure) before or after applying the next call of a kind. */
  const faults: Array<{ kind: 'list' | 'extend' | 'stop'; when: 'before' | 'after' }> = [];
  const state = { balance, price };
  const seconds = () => Math.floor(clock.now / 1000);
  const crash = (kind: string) =>
    new NosanaError('CHAIN__RPC_UNREACHABLE', `fake: connection lost during ${kind}`, { url: 'fake://' });
  const fault = (kind: 'list' | 'extend' | 'stop', when: 'before' | 'after') => {
    const index = faults.findIndex((f) => f.kind === kind && f.when === when);
    if (index >= 0) {
      faults.splice(index, 1);
      throw crash(kind);
    }
  };
  const settle = (job: FakeJob, end: number) => {
    const billed = job.price * BigInt(Math.min(end - job.timeStart, job.timeout));
    state.balance += job.price * BigInt(job.timeout) - billed;
    Object.assign(job, { state: 'COMPLETED', timeEnd: end });
  };

  const chain: DeploymentChain = {
    owner,
    async market(ref) {
      if (ref !== 'cpu' && ref !== 'CPUmarket1111111111111111111111111111111111') {
        throw new NosanaError('CHAIN__MARKET_NOT_FOUND', `"${ref}" is not a market`, { market: ref });
      }
      return { address: 'CPUmarket1111111111111111111111111111111111', price: state.price };
    },
    async balance() {
      return state.balance;
    },
    async job(address) {
      calls.reads++;
      const job = jobs.get(address);
      return job ? { ...job } : null;
    },
    async jobs(addresses) {
      calls.reads++;
      return new Map(
        addresses.map((address) => {
          const job = jobs.get(address);
          return [address, job ? { ...job } : null];
        }),
      );
    },
    async list(parameters) {
      fault('list', 'before');
      listJob({ jobs, calls, state, owner, autoRun, seconds }, parameters);
      fault('list', 'after');
    },
    async extend({ job: address, timeout }) {
      fault('extend', 'before');
      const job = jobs.get(address);
      if (!job || job.timeout >= timeout) return;
      calls.extend++;
      state.balance -= job.price * BigInt(timeout - job.timeout);
      job.timeout = timeout;
      fault('extend', 'after');
    },
    async stop(address) {
      fault('stop', 'before');
      const job = jobs.get(address);
      if (!job) return;
      if (job.state === 'QUEUED' || job.state === 'STOPPED') {
        calls.stop++;
        state.balance += job.price * BigInt(job.timeout);
        jobs.delete(address);
      } else if (job.state === 'RUNNING') {
        calls.stop++;
        settle(job, seconds());
      }
      fault('stop', 'after');
    },
    async pin(definition: JobDefinition) {
      return `Qm${Buffer.from(JSON.stringify(definition))
        .toString('base64')
        .replace(/[^a-zA-Z1-9]/g, '')
        .slice(0, 44)
        .padEnd(44, 'x')}` as CidV0;
    },
  };

  return {
    chain,
    jobs,
    calls,
    faults,
    state,
    /** Moves the clock; running jobs past their timeout complete, queued ones start when `autoRun`. */
    advance(ms: number) {
      clock.now += ms;
      for (const job of jobs.values()) {
        if (job.state === 'RUNNING' && seconds() >= job.timeStart + job.timeout)
          settle(job, job.timeStart + job.timeout);
      }
    },
    /** The container exits: the node finishes the job early. */
    fail(address: string) {
      const job = jobs.get(address)!;
      settle(job, seconds());
    },
    /** The node quits: STOPPED, deposit in escrow until recovered. */
    quit(address: string) {
      Object.assign(jobs.get(address)!, { state: 'STOPPED', timeEnd: 0 });
    },
    /** A node takes a queued job. */
    start(address: string) {
      Object.assign(jobs.get(address)!, { state: 'RUNNING', timeStart: seconds() });
    },
    open: () => [...jobs.values()].filter((j) => j.state === 'QUEUED' || j.state === 'RUNNING'),
  };
}

/** `list` on the fake chain: a job account is created once; the deposit must be there. */
function listJob(
  world: {
    jobs: Map<string, FakeJob>;
    calls: { list: number; listed: string[] };
    state: { balance: bigint; price: bigint };
    owner: string;
    autoRun: boolean;
    seconds: () => number;
  },
  { jobSecret, market, cid, timeout }: Parameters<DeploymentChain['list']>[0],
): void {
  const { jobs, calls, state, owner, autoRun, seconds } = world;
  const address = Keypair.fromSecretKey(jobSecret).publicKey.toBase58();
  if (jobs.has(address)) return;
  calls.list++;
  const { total } = jobDeposit({ price: state.price, timeout });
  if (total > state.balance) {
    throw new NosanaError('CHAIN__INSUFFICIENT_NOS', 'fake: insufficient NOS', {
      address: owner,
      required: `${total}`,
      available: `${state.balance}`,
    });
  }
  state.balance -= total;
  calls.listed.push(address);
  jobs.set(address, {
    address,
    cid,
    market,
    project: owner,
    price: state.price,
    timeout,
    state: autoRun ? 'RUNNING' : 'QUEUED',
    timeStart: autoRun ? seconds() : 0,
    timeEnd: 0,
  });
}
