/**
 * One run of the scale harness: an embedded localnet, `hosts` in-process host nodes (each `startHostNode`, as
 * `nosana node start` composes it, over its own fake container engine from `@nosana/runtime/testing`), and
 * `clients` posters that list `jobs` trivial jobs into the `cpu` market as fast as the market takes them.
 *
 * It measures what the market does (matching throughput, queue wait, fairness, RPC calls per job) and checks what
 * it must never do: a job claimed or run twice, a job not finished exactly once, a base unit of NOS lost or made.
 * A broken invariant throws, naming the jobs and accounts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { decodeMarketAccount, type NosanaClient } from '@nosana/chain';
import type { JobDefinition } from '@nosana/core';
import { startLocalnet } from '@nosana/localnet';
import { createLocalnetActors, type LocalnetActors } from '@nosana/localnet/testing';
import { type HostNode, type NodeEvent, startHostNode } from '@nosana/node';
import { LABELS } from '@nosana/runtime';
import { createFakeEngine } from '@nosana/runtime/testing';
import { Keypair, type PublicKey } from '@solana/web3.js';
import { nosHoldings } from '../src/helpers/escrow.js';
import { checkOnce, checkSettlement, queueIsFull } from './scale-checks.js';

/** Parameters of {@link runScaleMarket}. */
export interface ScaleMarketParameters {
  hosts: number;
  jobs: number;
  clients: number;
  /** How long each job's container runs (fake engine), in ms. */
  jobMs: number;
  /** The nodes' poll interval when no WebSocket notification comes (the CLI's default is 5 s). */
  pollMs?: number;
  /** No job finished for this long fails the run (a node stuck). */
  stallMs: number;
  /** Progress lines. */
  onProgress?: (line: string) => void;
}

/** What one run measured. */
export interface ScaleMarketResult {
  hosts: number;
  jobs: number;
  /** First post sent → last job finished, in ms. */
  elapsedMs: number;
  /** Posts sent → each job listed (the `list` transaction confirmed), in ms. */
  postMs: number[];
  /** Job listed → its node started it (the run existed and the node saw it), in ms. */
  queueWaitMs: number[];
  /** Jobs finished per host. */
  perHost: number[];
  /** `list` attempts refused because the market's queue was full. */
  queueFull: number;
  /** Largest number of jobs waiting in the market's queue at once (sampled from the ledger). */
  peakQueuedJobs: number;
  /** RPC calls between the first post and the last finish, by `transport method`. */
  rpc: Map<string, number>;
  /** Node warnings (retries, …) during the run. */
  warnings: string[];
  /** Event-loop delay p99 of the one process (localnet, nodes and posters share it), in ms. */
  loopDelayP99Ms: number;
  /** Share of the run the event loop was busy (0–1). */
  loopUtilization: number;
  /** CPU time of the process over the run, in ms. */
  cpuMs: number;
  /** A host's `runs()` (getProgramAccounts over the Jobs program) p50, before the first post and after the last finish, in ms. */
  runsLookupMs: { before: number; after: number };
}

const NOS = 1_000_000n;
const TIMEOUT_S = 60;

const definition = (client: number, i: number): JobDefinition => ({
  version: '0.1',
  type: 'container',
  meta: { trigger: 'cli', description: `scale ${client}/${i}` },
  ops: [{ type: 'container/run', id: 'main', args: { image: 'busybox:1.35', cmd: ['true'] } }],
});

const bump = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/**
 * Runs the scale scenario once and returns its figures; throws when an invariant breaks.
 *
 * @example
 * ```ts
 * const result = await runScaleMarket({ hosts: 10, jobs: 500, clients: 10, jobMs: 5, stallMs: 120_000 });
 * ```
 */
export async function runScaleMarket(p: ScaleMarketParameters): Promise<ScaleMarketResult> {
  const progress = p.onProgress ?? (() => undefined);
  const rpc = new Map<string, number>();
  let counting = false;
  const localnet = await startLocalnet({
    dataDir: 'temporary',
    rpcPort: 0,
    ipfsPort: 0,
    autosaveMs: 0,
    onRpcCall: (method, transport) => {
      if (counting) bump(rpc, `${transport} ${method}`);
    },
  });
  const actors = createLocalnetActors(localnet);
  const dir = mkdtempSync(join(tmpdir(), 'nosana-scale-'));
  const hosts: HostNode[] = [];
  try {
    // --- hosts: each its own wallet, state, fake engine; all queued before the first post
    const tally = createTally();
    const keys = await startHosts(p, actors, dir, tally, hosts);
    progress(`${p.hosts} hosts queued`);

    // --- posters
    const posters: NosanaClient[] = Array.from({ length: p.clients }, () => actors.actor(100_000n * NOS));
    const market = await posters[0]!.markets.get('cpu');
    const runsLookup = () => timeRunsLookup(posters[0]!);
    const lookupBefore = await runsLookup();
    const before = nosHoldings(localnet);
    const listed = new Map<string, { client: number; at: number }>();
    const postMs: number[] = [];
    let peakQueuedJobs = 0;
    const sampler = setInterval(() => {
      const account = localnet.bank.getAccount(market.address.toBase58());
      if (!account) return;
      const m = decodeMarketAccount(account.data);
      if (m.queueType === 0) peakQueuedJobs = Math.max(peakQueuedJobs, m.queue.length);
    }, 100);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const elu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    counting = true;
    const t0 = performance.now();
    tally.lastFinish = t0; // the stall watchdog counts from the first post
    const { finished, started } = tally;
    const allFinished = new Promise<void>((resolve, reject) => {
      tally.onFinish = () => {
        if (finished.size >= p.jobs) resolve();
      };
      const watchdog = setInterval(() => {
        if (finished.size >= p.jobs) return clearInterval(watchdog);
        if (performance.now() - tally.lastFinish > p.stallMs) {
          clearInterval(watchdog);
          reject(
            new Error(
              `stuck: no job finished for ${p.stallMs} ms (${finished.size}/${p.jobs} finished, ${listed.size} listed); node states: ${hosts.map((h) => h.node.state()).join(',')}`,
            ),
          );
        }
      }, 1000);
    });
    allFinished.catch(() => undefined);
    const queueFull = await postJobs(posters, market.address, p, listed, postMs);
    progress(`${listed.size} jobs listed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await allFinished;
    const elapsedMs = tally.lastFinish - t0;
    counting = false;
    const cpuUsed = process.cpuUsage(cpu);
    const utilization = performance.eventLoopUtilization(elu).utilization;
    loopDelay.disable();
    clearInterval(sampler);
    progress(`${finished.size} jobs finished in ${(elapsedMs / 1000).toFixed(1)} s`);

    // --- invariants
    await Promise.all(hosts.map((h) => h.stop()));
    const lookupAfter = await runsLookup();
    checkOnce(listed, started, finished, tally.created);
    await checkSettlement({ localnet, posters, keys, market, listed, finished, before, jobs: p.jobs });

    const perHost = keys.map(
      (k) => [...finished.values()].filter((f) => f.host === k.publicKey.toBase58()).length,
    );
    const queueWaitMs = [...listed].map(([job, l]) => started.get(job)!.at - l.at);
    return {
      hosts: p.hosts,
      jobs: p.jobs,
      elapsedMs,
      postMs,
      queueWaitMs,
      perHost,
      queueFull,
      peakQueuedJobs,
      rpc,
      warnings: tally.warnings,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopUtilization: utilization,
      cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
      runsLookupMs: { before: lookupBefore, after: lookupAfter },
    };
  } finally {
    await Promise.allSettled(hosts.map((h) => h.stop()));
    actors.close();
    await localnet.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median time of 20 `host.runs()` lookups (what every node does on each loop turn). */
async function timeRunsLookup(client: NosanaClient): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    await client.host.runs();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[10]!;
}

/** What the nodes reported, by job; `onFinish` is called after each finish. */
interface Tally {
  created: Map<string, number>;
  started: Map<string, { host: string; at: number; times: number }>;
  finished: Map<string, { host: string; at: number; times: number; status: string }>;
  warnings: string[];
  lastFinish: number;
  onFinish: () => void;
  record(host: string, event: NodeEvent): void;
}

function createTally(): Tally {
  const tally: Tally = {
    created: new Map(),
    started: new Map(),
    finished: new Map(),
    warnings: [],
    lastFinish: performance.now(),
    onFinish: () => undefined,
    record(host, e) {
      if (e.type === 'job-started') {
        const seen = tally.started.get(e.job);
        tally.started.set(e.job, {
          host,
          at: seen?.at ?? performance.now(),
          times: (seen?.times ?? 0) + 1,
        });
      } else if (e.type === 'job-finished') {
        const seen = tally.finished.get(e.job);
        tally.lastFinish = performance.now();
        tally.finished.set(e.job, {
          host,
          at: seen?.at ?? tally.lastFinish,
          times: (seen?.times ?? 0) + 1,
          status: e.status,
        });
        tally.onFinish();
      } else if (e.type === 'warning') tally.warnings.push(`${host.slice(0, 8)}: ${e.message}`);
    },
  };
  return tally;
}

/** Starts `p.hosts` nodes, ten at a time, each on its own fake engine (its container creations counted). */
async function startHosts(
  p: ScaleMarketParameters,
  actors: LocalnetActors,
  dir: string,
  tally: Tally,
  hosts: HostNode[],
): Promise<Keypair[]> {
  const keys = Array.from({ length: p.hosts }, () => Keypair.generate());
  const queued = new Set<string>();
  for (let i = 0; i < keys.length; i += 10) {
    await Promise.all(
      keys.slice(i, i + 10).map(async (key, j) => {
        const address = key.publicKey.toBase58();
        const engine = createFakeEngine(() => ({ durationMs: p.jobMs }));
        const create = engine.createContainer;
        engine.createContainer = (spec) => {
          const job = spec.labels[LABELS.job];
          if (job) bump(tally.created, job);
          return create(spec);
        };
        let ready: () => void = () => undefined;
        const waiting = new Promise<void>((resolve) => {
          ready = resolve;
        });
        const host = await startHostNode({
          client: actors.actor(0n, key),
          wallet: key,
          stateDir: join(dir, `host-${i + j}`),
          lockDir: join(dir, 'locks'),
          engine,
          market: 'cpu',
          detectedGpus: { gpus: [], cudaVersion: null, reason: 'fake engine' },
          api: false,
          log: false,
          checks: { minDiskBytes: 1024 ** 2 },
          ...(p.pollMs ? { pollMs: p.pollMs } : {}),
          onEvent: (e) => {
            if (e.type === 'state' && e.state === 'queued') {
              queued.add(address);
              ready();
            }
            tally.record(address, e);
          },
        });
        hosts.push(host);
        await Promise.race([waiting, host.done]);
      }),
    );
  }
  if (queued.size !== p.hosts) throw new Error(`only ${queued.size} of ${p.hosts} hosts queued`);
  return keys;
}

/**
 * Each client posts its share of the jobs one after the other; a post refused because the market's queue is full
 * waits 100 ms and is tried again. Returns how many posts were refused.
 */
async function postJobs(
  posters: NosanaClient[],
  market: PublicKey,
  p: ScaleMarketParameters,
  listed: Map<string, { client: number; at: number }>,
  postMs: number[],
): Promise<number> {
  let queueFull = 0;
  const perClient = Math.ceil(p.jobs / p.clients);
  await Promise.all(
    posters.map(async (poster, client) => {
      for (let i = 0; i < perClient && client * perClient + i < p.jobs; i++) {
        for (;;) {
          const sent = performance.now();
          try {
            const posted = await poster.jobs.post({
              definition: definition(client, i),
              market,
              timeout: TIMEOUT_S,
            });
            const at = performance.now();
            postMs.push(at - sent);
            listed.set(posted.job.toBase58(), { client, at });
            break;
          } catch (error) {
            if (!queueIsFull(error)) throw error;
            queueFull++;
            // The market holds no more jobs: wait for a host to take one.
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      }
    }),
  );
  return queueFull;
}
