import { fc, test } from '@fast-check/vitest';
import {
  claimJobInstruction,
  delistJobInstruction,
  endJobInstruction,
  extendJobInstruction,
  quitJobInstruction,
  recoverJobInstruction,
  stopWorkInstruction,
} from '@nosana/chain';
import { Keypair, type PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { createTestChain, type TestChain } from '../../test/bank-helpers.js';

const NOS = 1_000_000n;

/** One step of a random scenario; indexes pick among the actors and known jobs. */
type Step =
  | { kind: 'list'; poster: number; timeout: number }
  | { kind: 'work'; node: number }
  | { kind: 'stop'; node: number }
  | { kind: 'finish'; node: number; job: number }
  | { kind: 'end'; poster: number; job: number }
  | { kind: 'quit'; node: number; job: number }
  | { kind: 'claim'; node: number; job: number }
  | { kind: 'recover'; poster: number; job: number }
  | { kind: 'delist'; poster: number; job: number }
  | { kind: 'extend'; poster: number; job: number; by: number }
  | { kind: 'wait'; seconds: number };

const actor = fc.nat({ max: 2 });
const jobIndex = fc.nat({ max: 7 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('list' as const),
      poster: actor,
      timeout: fc.integer({ min: 1, max: 300 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('work' as const), node: actor }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stop' as const), node: actor }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('finish' as const), node: actor, job: jobIndex }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('end' as const), poster: actor, job: jobIndex }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('quit' as const), node: actor, job: jobIndex }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('claim' as const), node: actor, job: jobIndex }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('recover' as const), poster: actor, job: jobIndex }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delist' as const), poster: actor, job: jobIndex }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('extend' as const),
      poster: actor,
      job: jobIndex,
      by: fc.integer({ min: 1, max: 100 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 400 }) }),
  },
);

interface Listed {
  job: PublicKey;
  /** The run accounts ever created for the job (list, work or claim). */
  runs: PublicKey[];
}

/** The steps fast-check generated at run 22 of seed -885507304, the first failure of this property. */
const SEED_885507304: Step[] = [
  { kind: 'work', node: 1 },
  { kind: 'finish', node: 2, job: 7 },
  { kind: 'quit', node: 1, job: 4 },
  { kind: 'list', poster: 2, timeout: 215 },
  { kind: 'delist', poster: 2, job: 6 },
  { kind: 'finish', node: 2, job: 6 },
  { kind: 'recover', poster: 1, job: 4 },
  { kind: 'quit', node: 1, job: 1 },
  { kind: 'wait', seconds: 224 },
  { kind: 'claim', node: 0, job: 4 },
  { kind: 'stop', node: 1 },
  { kind: 'quit', node: 2, job: 5 },
  { kind: 'claim', node: 1, job: 7 },
  { kind: 'quit', node: 1, job: 0 },
  { kind: 'delist', poster: 1, job: 1 },
  { kind: 'wait', seconds: 183 },
  { kind: 'extend', poster: 1, job: 6, by: 33 },
  { kind: 'delist', poster: 2, job: 0 },
  { kind: 'delist', poster: 0, job: 6 },
  { kind: 'end', poster: 2, job: 4 },
  { kind: 'recover', poster: 0, job: 2 },
  { kind: 'work', node: 1 },
  { kind: 'list', poster: 2, timeout: 257 },
  { kind: 'finish', node: 1, job: 3 },
  { kind: 'finish', node: 0, job: 0 },
  { kind: 'recover', poster: 0, job: 3 },
  { kind: 'quit', node: 1, job: 1 },
  { kind: 'work', node: 1 },
  { kind: 'recover', poster: 0, job: 3 },
];

/** A seed to replay (`NOSANA_ESCROW_SEED=<seed>`, printed with every failure); otherwise a random one. */
const replaySeed = process.env.NOSANA_ESCROW_SEED ? Number(process.env.NOSANA_ESCROW_SEED) : undefined;

describe('escrow invariants of the emulated Jobs program', () => {
  // Random seeds: fast-check prints the seed and path of a failure (and the test's name carries the seed).
  test.prop([fc.array(step, { minLength: 10, maxLength: 60 })], {
    numRuns: 25,
    ...(replaySeed === undefined ? {} : { seed: replaySeed }),
  })(
    'for any sequence of job instructions by any signer, NOS is conserved, the vault holds exactly the deposits of open jobs, and a job is settled twice only when the real program allows it (claimed twice)',
    (steps) => {
      runScenario(steps);
    },
    300_000,
  );

  // That run claimed a STOPPED job twice (the real program allows it: claim leaves the job STOPPED); the run not
  // settled then quit it, which put the settled job back to STOPPED, and the earlier check, counting every job not
  // DONE as escrowed, counted its deposit again. Settled jobs are now tracked by the model, not read from the state.
  it('replays the first failure (seed -885507304, run 22): a stopped job claimed twice, and every invariant holds', () => {
    expect(runScenario(SEED_885507304)).toMatchObject({ claimedTwice: 1 });
  });
});

/**
 * Runs one scenario and checks the invariants after every step; returns how many jobs were claimed twice and how
 * many settlements came after a job's first.
 */
function runScenario(steps: Step[]): { claimedTwice: number; settledAgain: number } {
  const chain = createTestChain();
  const posters = [0, 1, 2].map(() => chain.user(1000n * NOS));
  const nodes = [0, 1, 2].map(() => {
    const node = chain.user();
    chain.stake(node);
    return node;
  });
  const everyone = [...posters, ...nodes];
  const total = () =>
    everyone.reduce((sum, k) => sum + chain.nos(k.publicKey), 0n) + chain.tokens(chain.vault());
  const supply = total();
  const jobs: Listed[] = [];
  /** Jobs whose deposit left the vault (finish, end, recover or delist), and how many times. */
  const settled = new Map<string, number>();
  /** Jobs claimed while another run of theirs was live: the real program lets each run be paid. */
  const claimedTwice = new Set<string>();
  /** Deposits paid out again by a later settlement of a job claimed twice. */
  let paidAgain = 0n;

  for (const s of steps) {
    const before = new Map(everyone.map((k) => [k.publicKey.toBase58(), chain.nos(k.publicKey)]));
    const target = 'job' in s ? pickJob(chain, s, jobs) : undefined;
    const account = target ? chain.job(target.job) : null;
    const liveRuns = target ? target.runs.filter((run) => chain.run(run) !== null).length : 0;
    const result = apply(chain, s, posters, nodes, jobs, target);
    // Failed transactions move no NOS.
    if (result?.err)
      for (const k of everyone) expect(chain.nos(k.publicKey)).toBe(before.get(k.publicKey.toBase58()));
    const ok = result !== undefined && !result.err;
    if (ok && s.kind === 'claim' && target && liveRuns > 0) claimedTwice.add(target.job.toBase58());
    if (ok && account && target && ['finish', 'end', 'recover', 'delist'].includes(s.kind)) {
      const key = target.job.toBase58();
      const times = (settled.get(key) ?? 0) + 1;
      settled.set(key, times);
      if (times > 1) {
        expect(claimedTwice.has(key), `job ${key} settled ${times} times without being claimed twice`).toBe(
          true,
        );
        paidAgain += account.price * BigInt(account.timeout);
      }
    }

    // Conservation: NOS only moves between the actors and the vault.
    expect(total()).toBe(supply);
    // The vault holds exactly price × timeout of every job not settled yet, less what was paid again.
    const escrowed = jobs.reduce((sum, listed) => {
      const open = chain.job(listed.job);
      return open && !settled.has(listed.job.toBase58()) ? sum + open.price * BigInt(open.timeout) : sum;
    }, 0n);
    expect(chain.tokens(chain.vault())).toBe(escrowed - paidAgain);
  }
  return {
    claimedTwice: claimedTwice.size,
    settledAgain: [...settled.values()].reduce((n, t) => n + t - 1, 0),
  };
}

/** A job in a state where the step can succeed (so scenarios reach every instruction), else any job. */
function pickJob(chain: TestChain, s: Step & { job: number }, jobs: Listed[]): Listed | undefined {
  const running = (listed: Listed) => listed.runs.some((run) => chain.run(run) !== null);
  const candidates = jobs.filter((listed) => {
    const job = chain.job(listed.job);
    if (!job) return false;
    if (s.kind === 'finish' || s.kind === 'end' || s.kind === 'quit') return running(listed);
    if (s.kind === 'claim' || s.kind === 'recover') return job.state === 3 && !running(listed);
    return job.state === 0;
  });
  const pool = candidates.length > 0 ? candidates : jobs;
  return pool[s.job % Math.max(1, pool.length)];
}

function apply(
  chain: TestChain,
  s: Step,
  posters: Keypair[],
  nodes: Keypair[],
  jobs: Listed[],
  target: Listed | undefined,
) {
  const ids = chain.ids;
  const runOf = (listed: Listed) => listed.runs.find((run) => chain.run(run) !== null);
  switch (s.kind) {
    case 'list': {
      const { job, run, result } = chain.list(posters[s.poster]!, s.timeout);
      if (!result.err) jobs.push({ job: job.publicKey, runs: [run.publicKey] });
      return result;
    }
    case 'work': {
      const { run, result } = chain.work(nodes[s.node]!);
      if (!result.err) {
        const running = chain.run(run.publicKey);
        if (running) jobs.find((j) => j.job.equals(running.job))?.runs.push(run.publicKey);
      }
      return result;
    }
    case 'stop':
      return chain.send(
        [stopWorkInstruction({ market: chain.market, node: nodes[s.node]!.publicKey, ids })],
        [nodes[s.node]!],
      );
    case 'wait':
      chain.advance(s.seconds);
      return undefined;
  }
  if (!target) return undefined;
  const job = chain.job(target.job);
  // Owner actions: index 0 is the job's owner, the others are whoever the index names (often an intruder).
  const owner = (index: number) =>
    index === 0 && job
      ? (posters.find((p) => p.publicKey.equals(job.project)) ?? posters[0]!)
      : posters[index]!;
  const run = runOf(target);
  const runAccount = run ? chain.run(run) : null;
  switch (s.kind) {
    case 'finish':
      if (!run || !job) return undefined;
      return chain.finish(nodes[s.node]!, target.job, run);
    case 'end': {
      if (!run || !job || !runAccount) return undefined;
      const poster = owner(s.poster);
      return chain.send(
        [
          endJobInstruction({
            job: target.job,
            market: chain.market,
            run,
            node: runAccount.node,
            jobPayer: job.payer,
            runPayer: runAccount.payer,
            authority: poster.publicKey,
            ids,
          }),
        ],
        [poster],
      );
    }
    case 'quit': {
      if (!run || !runAccount) return undefined;
      const node = nodes[s.node]!;
      return chain.send(
        [quitJobInstruction({ job: target.job, run, runPayer: runAccount.payer, node: node.publicKey, ids })],
        [node],
      );
    }
    case 'claim': {
      const node = nodes[s.node]!;
      const claim = Keypair.generate();
      const result = chain.send(
        [
          claimJobInstruction({
            job: target.job,
            market: chain.market,
            node: node.publicKey,
            run: claim.publicKey,
            ids,
          }),
        ],
        [node, claim],
      );
      if (!result.err) target.runs.push(claim.publicKey);
      return result;
    }
    case 'recover': {
      if (!job) return undefined;
      const poster = owner(s.poster);
      return chain.send(
        [
          recoverJobInstruction({
            job: target.job,
            market: chain.market,
            payer: job.payer,
            authority: poster.publicKey,
            ids,
          }),
        ],
        [poster],
      );
    }
    case 'delist': {
      if (!job) return undefined;
      const poster = owner(s.poster);
      return chain.send(
        [
          delistJobInstruction({
            job: target.job,
            market: chain.market,
            payer: job.payer,
            authority: poster.publicKey,
            ids,
          }),
        ],
        [poster],
      );
    }
    case 'extend': {
      if (!job) return undefined;
      const poster = owner(s.poster);
      return chain.send(
        [
          extendJobInstruction({
            job: target.job,
            market: chain.market,
            authority: poster.publicKey,
            timeout: job.timeout + s.by,
            ids,
          }),
        ],
        [poster],
      );
    }
  }
}
