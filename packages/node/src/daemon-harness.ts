/** The daemon's unit-test harness: a node on the runtime's fake engine, a fake chain and a fake clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowState } from '@nosana/core';
import { createRuntime } from '@nosana/runtime';
import { createFakeEngine, type FakeBehavior, type FakeEngine } from '@nosana/runtime/testing';
import { type CreateNodeParameters, createNode, type NosanaNode } from './daemon.js';
import type { NodeEvent } from './events.js';
import { type NodeStore, openNodeStore } from './store.js';
import { createFakeChain, createFakeClock, type FakeChain, type FakeClock } from './testing.js';

export interface Harness {
  chain: FakeChain;
  clock: FakeClock;
  engine: FakeEngine;
  store: NodeStore;
  node: NosanaNode;
  events: NodeEvent[];
  started: Promise<void>;
  dir: string;
}
/** The harnesses started and not closed yet (a test that closes one itself takes it out). */
export const harnesses: Harness[] = [];

/** Stops every node {@link harness} started and removes its state (call it from `afterEach`). */
export async function closeHarnesses(): Promise<void> {
  for (const h of harnesses.splice(0)) {
    h.chain.fault = undefined;
    const stopping = h.node.stop();
    await h.clock.runUntil(() => h.node.state() === 'stopped').catch(() => undefined);
    await stopping.catch(() => undefined);
    await h.store.close().catch(() => undefined);
    rmSync(h.dir, { recursive: true, force: true });
  }
}

/** A node on the fake chain and engine; `reuse` starts it on an earlier harness's chain and state (a restart). */
export async function harness(
  behavior: () => FakeBehavior = () => ({ logs: [{ line: 'hello' }], exitCode: 0, durationMs: 5 }),
  options: {
    reuse?: Harness;
    pinAttempts?: number;
    maxResultBytes?: number;
    marketImages?: string[];
    prePull?: string[] | false;
    imageCache?: { maxBytes: number };
    logistics?: CreateNodeParameters['logistics'];
    trust?: CreateNodeParameters['trust'];
    /** The node's address on a new fake chain (a wallet's, for trust). */
    address?: string;
  } = {},
): Promise<Harness> {
  const dir = options.reuse?.dir ?? mkdtempSync(join(tmpdir(), 'nosana-daemon-'));
  const chain = options.reuse?.chain ?? createFakeChain(options.address ? { address: options.address } : {});
  if (options.marketImages) chain.marketImages = options.marketImages;
  const clock = options.reuse?.clock ?? createFakeClock();
  const engine = options.reuse?.engine ?? createFakeEngine(behavior);
  const store = openNodeStore({ dir });
  const events: NodeEvent[] = [];
  const node = createNode({
    chain,
    runtime: createRuntime({ engine, scope: chain.address, stopGraceSeconds: 0 }),
    engine,
    store,
    market: 'cpu',
    gpus: { gpus: [], cudaVersion: null, reason: 'unit test' },
    clock,
    pollMs: 1000,
    ...(options.pinAttempts ? { pinAttempts: options.pinAttempts } : {}),
    ...(options.maxResultBytes ? { maxResultBytes: options.maxResultBytes } : {}),
    checks: { minDiskBytes: 0 },
    ...(options.prePull !== undefined ? { prePull: options.prePull } : {}),
    ...(options.imageCache ? { imageCache: options.imageCache } : {}),
    ...(options.logistics ? { logistics: options.logistics } : {}),
    ...(options.trust ? { trust: options.trust } : {}),
    onEvent: (event) => events.push(event),
  });
  const started = node.start();
  started.catch(() => undefined);
  const h = { chain, clock, engine, store, node, events, started, dir };
  harnesses.push(h);
  await clock.runUntil(() => node.state() === 'queued' || node.state() === 'stopped');
  return h;
}

export const finishes = (chain: FakeChain, job?: string) =>
  chain.log.filter((l) => l.startsWith('finish') && (!job || l.includes(job)));
export const resultOf = (chain: FakeChain, job: string) =>
  JSON.parse(chain.pins.get(chain.jobs.get(job)!.result!)!) as FlowState;
export const finished = (h: Harness, job: string) => () =>
  h.events.some((e) => e.type === 'job-finished' && e.job === job);
