import { describe, expect, it } from 'vitest';
import { cooldownMs, extendMargin, STARTUP_GRACE_MS } from './policy.js';
import { reconcile } from './reconcile.js';
import type { Deployment, JobHealth, ObservedJob } from './types.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const S0 = T0 / 1000;
const PRICE = 100n;

const deployment = (overrides: Partial<Deployment> = {}): Deployment => ({
  id: 'dep_1',
  name: 'web',
  market: 'market',
  owner: 'owner',
  status: 'RUNNING',
  strategy: 'SIMPLE-EXTEND',
  replicas: 2,
  timeout: 3600,
  schedule: null,
  rotation: 1200,
  budget: 10n ** 12n,
  activeRevision: 1,
  lastFiring: null,
  startedAt: T0,
  createdAt: T0,
  updatedAt: T0,
  ...overrides,
});

let counter = 0;
const job = (overrides: Partial<ObservedJob> = {}): ObservedJob => ({
  address: `job${++counter}`,
  revision: 1,
  listedAt: T0,
  firing: null,
  state: 'RUNNING',
  price: PRICE,
  timeout: 3600,
  timeStart: S0,
  timeEnd: 0,
  stoppedBy: null,
  pending: null,
  ...overrides,
});

const plan = (
  d: Deployment,
  jobs: ObservedJob[],
  now: number,
  { balance = 10n ** 12n, health = new Map<string, JobHealth>() } = {},
) => reconcile({ deployment: d, observed: { jobs, health, marketPrice: PRICE, balance }, now });

const kinds = (p: ReturnType<typeof plan>) => p.actions.map((a) => a.kind).sort();

describe('reconcile: SIMPLE', () => {
  it('lists the replicas once, stops when they have completed, replaces a job a node quit', () => {
    const d = deployment({ strategy: 'SIMPLE', status: 'STARTING' });
    expect(kinds(plan(d, [], T0))).toEqual(['LIST', 'LIST']);

    const a = job();
    const b = job();
    expect(plan(d, [a, b], T0 + 1000).actions).toEqual([]);

    const quit = { ...b, state: 'STOPPED' as const };
    const healed = plan(d, [a, quit], T0 + 2000);
    expect(healed.actions).toEqual([
      { kind: 'STOP', deployment: 'dep_1', job: b.address, reason: 'recover' },
      expect.objectContaining({ kind: 'LIST' }),
    ]);

    const done = [a, b].map((j) => ({ ...j, state: 'COMPLETED' as const, timeEnd: S0 + 3600 }));
    const finished = plan(d, done, T0 + 3_700_000);
    expect(finished.actions).toEqual([]);
    expect(finished.status).toBe('STOPPED');
  });
});

describe('reconcile: SIMPLE-EXTEND', () => {
  it('extends at timeout − clamp(10 %, 60 s, 300 s), once, to an absolute timeout', () => {
    expect([extendMargin(300), extendMargin(1200), extendMargin(3600), extendMargin(86_400)]).toEqual([
      60, 120, 300, 300,
    ]);
    const d = deployment({ replicas: 1 });
    const running = job();
    const before = plan(d, [running], T0 + 3299_000);
    expect(before.actions).toEqual([]);
    expect(before.next).toEqual({ at: T0 + 3300_000, action: `extend ${running.address}` });

    const due = plan(d, [running], T0 + 3300_000);
    expect(due.actions).toEqual([
      expect.objectContaining({ kind: 'EXTEND', job: running.address, timeout: 7200, cost: PRICE * 3600n }),
    ]);
    expect(plan(d, [{ ...running, pending: 'EXTEND' }], T0 + 3300_000).actions).toEqual([]);
    // Once extended, the next extension is due 300 s before the new timeout.
    expect(plan(d, [{ ...running, timeout: 7200 }], T0 + 3300_000).next?.at).toBe(T0 + 6900_000);
  });

  it('replaces a job whose container exited', () => {
    const d = deployment({ replicas: 2 });
    const a = job();
    const failed = job({ state: 'COMPLETED', timeEnd: S0 + 600 });
    expect(kinds(plan(d, [a, failed], T0 + 600_000))).toEqual(['LIST']);
  });
});

describe('reconcile: INFINITE', () => {
  it('lists a replacement `rotation` before expiry and stops the old job once the new one runs', () => {
    const d = deployment({ strategy: 'INFINITE', replicas: 1, rotation: 1200 });
    const old = job();
    const early = plan(d, [old], T0 + 2399_000);
    expect(early.actions).toEqual([]);
    expect(early.next?.at).toBe(T0 + 2400_000);

    const rotate = plan(d, [old], T0 + 2400_000);
    expect(rotate.actions).toEqual([expect.objectContaining({ kind: 'LIST' })]);

    const queued = job({ state: 'QUEUED', timeStart: 0, listedAt: T0 + 2400_000 });
    expect(plan(d, [old, queued], T0 + 2410_000).actions).toEqual([]);

    const replacement = { ...queued, state: 'RUNNING' as const, timeStart: S0 + 2420 };
    expect(plan(d, [old, replacement], T0 + 2420_000).actions).toEqual([
      { kind: 'STOP', deployment: 'dep_1', job: old.address, reason: 'rotation' },
    ]);
  });

  it('stops surplus replicas after a scale down, queued ones first', () => {
    const d = deployment({ strategy: 'INFINITE', replicas: 1 });
    const running = job();
    const queued = job({ state: 'QUEUED', timeStart: 0, listedAt: T0 + 5 });
    expect(plan(d, [running, queued], T0 + 1000).actions).toEqual([
      { kind: 'STOP', deployment: 'dep_1', job: queued.address, reason: 'surplus' },
    ]);
  });
});

describe('reconcile: rolling update', () => {
  it('brings one new replica up before stopping an old one', () => {
    const d = deployment({ strategy: 'INFINITE', replicas: 3, activeRevision: 2 });
    const old = [job(), job(), job()];
    expect(kinds(plan(d, old, T0 + 1000))).toEqual(['LIST']);

    const fresh = job({ revision: 2, state: 'QUEUED', timeStart: 0 });
    expect(plan(d, [...old, fresh], T0 + 2000).actions).toEqual([]);

    const ready = { ...fresh, state: 'RUNNING' as const, timeStart: S0 + 3 };
    expect(kinds(plan(d, [...old, ready], T0 + 3000))).toEqual(['STOP']);
    // With one old replica stopped, the next new one is listed.
    expect(kinds(plan(d, [old[1]!, old[2]!, ready], T0 + 4000))).toEqual(['LIST']);
  });
});

describe('reconcile: health', () => {
  it('replaces a replica that stays offline past the grace period', () => {
    const d = deployment({ replicas: 1 });
    const sick = job();
    const health = new Map<string, JobHealth>([[sick.address, { state: 'offline', since: T0 + 10_000 }]]);
    const within = plan(d, [sick], T0 + 69_000, { health });
    expect(within.actions).toEqual([]);
    expect(within.next?.at).toBe(T0 + 70_000);
    expect(kinds(plan(d, [sick], T0 + 70_000, { health }))).toEqual(['LIST', 'STOP']);
  });

  it('keeps an old replica until the new revision is online behind the gateway, not merely running', () => {
    const d = deployment({ replicas: 1, activeRevision: 2 });
    const old = job({ revision: 1 });
    const fresh = job({ revision: 2, listedAt: T0 + 1 });
    const starting = new Map<string, JobHealth>([[fresh.address, { state: 'starting', since: T0 }]]);
    const waiting = plan(d, [old, fresh], T0 + 60_000, { health: starting });
    expect(waiting.actions).toEqual([]);
    const online = new Map<string, JobHealth>([[fresh.address, { state: 'online', since: T0 + 60_000 }]]);
    const rolled = plan(d, [old, fresh], T0 + 60_000, { health: online });
    expect(rolled.actions).toEqual([
      { kind: 'STOP', deployment: d.id, job: old.address, reason: 'outdated' },
    ]);
  });

  it('replaces a replica that never becomes healthy within the startup grace', () => {
    const d = deployment({ replicas: 1 });
    const slow = job();
    const health = new Map<string, JobHealth>([[slow.address, { state: 'starting', since: T0 }]]);
    const within = plan(d, [slow], T0 + STARTUP_GRACE_MS - 1, { health });
    expect(within.actions).toEqual([]);
    expect(within.status).toBe('STARTING');
    expect(within.next).toEqual({
      at: T0 + STARTUP_GRACE_MS,
      action: `replace never healthy ${slow.address}`,
    });
    expect(kinds(plan(d, [slow], T0 + STARTUP_GRACE_MS, { health }))).toEqual(['LIST', 'STOP']);
  });
});

describe('reconcile: fail-safe', () => {
  it('cools listing down after 3 rapid failures, doubling from 1 min to 1 h', () => {
    expect([2, 3, 4, 5, 9, 30].map(cooldownMs)).toEqual([0, 60_000, 120_000, 240_000, 3_600_000, 3_600_000]);
    const d = deployment({ replicas: 1 });
    const failures = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        job({ state: 'COMPLETED', timeStart: S0 + i * 100, timeEnd: S0 + i * 100 + 30, listedAt: T0 + i }),
      );
    expect(kinds(plan(d, failures(2), T0 + 300_000))).toEqual(['LIST']);

    const lastEnd = (S0 + 2 * 100 + 30) * 1000;
    const cooling = plan(d, failures(3), lastEnd + 59_000);
    expect(cooling.actions).toEqual([]);
    expect(cooling.notes.join()).toMatch(/fail-safe/);
    expect(cooling.next?.at).toBe(lastEnd + 60_000);
    expect(kinds(plan(d, failures(3), lastEnd + 60_000))).toEqual(['LIST']);
    const four = (S0 + 3 * 100 + 30) * 1000;
    expect(plan(d, failures(4), four + 119_000).actions).toEqual([]);
    // A job that ran 5 minutes or more breaks the streak.
    const healthy = job({ state: 'COMPLETED', timeStart: S0 + 1000, timeEnd: S0 + 1400, listedAt: T0 + 99 });
    expect(kinds(plan(d, [...failures(4), healthy], (S0 + 1400) * 1000))).toEqual(['LIST']);
  });
});

describe('reconcile: money', () => {
  it('never lists or extends past the budget, and stops when it is exhausted', () => {
    const deposit = PRICE * 3600n;
    const d = deployment({ replicas: 3, budget: deposit * 2n });
    const capped = plan(d, [], T0);
    expect(kinds(capped)).toEqual(['LIST', 'LIST']);
    expect(capped.notes.join()).toMatch(/budget/);

    const spentAll = [
      job({ state: 'COMPLETED', timeEnd: S0 + 3600 }),
      job({ state: 'COMPLETED', timeEnd: S0 + 3600 }),
    ];
    const over = plan(d, spentAll, T0 + 3_700_000);
    expect(over.actions).toEqual([]);
    expect(over.spent).toBe(deposit * 2n);
    expect(over.status).toBe('STOPPED');

    const extendOnly = plan(
      deployment({ replicas: 1, budget: deposit + deposit / 2n }),
      [job()],
      T0 + 3300_000,
    );
    expect(extendOnly.actions).toEqual([]);
  });

  it('pauses with INSUFFICIENT_FUNDS while the wallet cannot pay and resumes when topped up', () => {
    const d = deployment({ replicas: 1 });
    const poor = plan(d, [], T0, { balance: 10n });
    expect(poor.actions).toEqual([]);
    expect(poor.status).toBe('INSUFFICIENT_FUNDS');
    const topped = plan({ ...d, status: 'INSUFFICIENT_FUNDS' }, [], T0 + 1000);
    expect(kinds(topped)).toEqual(['LIST']);
    expect(topped.status).toBe('STARTING');
  });
});

describe('reconcile: stopping', () => {
  it('stops every open job, then reports STOPPED', () => {
    const d = deployment({ status: 'STOPPING' });
    const a = job();
    const q = job({ state: 'QUEUED', timeStart: 0 });
    const stopping = plan(d, [a, q], T0 + 1000);
    expect(kinds(stopping)).toEqual(['STOP', 'STOP']);
    expect(stopping.status).toBe('STOPPING');
    const stopped = plan(d, [{ ...a, state: 'COMPLETED', timeEnd: S0 + 1 }], T0 + 2000);
    expect(stopped.status).toBe('STOPPED');
  });
});

describe('reconcile: SCHEDULED', () => {
  it('lists the replicas at a firing, once, runs late firings whose jobs would still run, skips older ones', () => {
    const d = deployment({ strategy: 'SCHEDULED', schedule: '*/10 * * * *', replicas: 2, timeout: 300 });
    const idle = plan(d, [], T0 + 599_000);
    expect(idle.actions).toEqual([]);
    expect(idle.next?.at).toBe(T0 + 600_000);

    const firing = plan(d, [], T0 + 600_000);
    expect(firing.firing).toBe(T0 + 600_000);
    expect(firing.actions).toEqual([
      expect.objectContaining({ kind: 'LIST', firing: T0 + 600_000 }),
      expect.objectContaining({ kind: 'LIST', firing: T0 + 600_000 }),
    ]);
    const listed = [job({ firing: T0 + 600_000 }), job({ firing: T0 + 600_000 })];
    expect(plan({ ...d, lastFiring: T0 + 600_000 }, listed, T0 + 610_000).actions).toEqual([]);

    // Down for 50 minutes: the firings whose jobs (300 s) would have expired are skipped, not replayed.
    const late = plan(d, [], T0 + 3_000_000);
    expect(late.firing).toBe(T0 + 3_000_000);
    expect(late.notes.join()).toMatch(/4 missed firing\(s\) skipped/);
    expect(late.actions).toHaveLength(2);
    // Late by less than the timeout: the earlier firing still runs, each firing once.
    const behind = plan({ ...d, timeout: 900 }, [], T0 + 1_300_000);
    expect(behind.actions.map((a) => (a.kind === 'LIST' ? a.firing : null))).toEqual([
      T0 + 600_000,
      T0 + 600_000,
      T0 + 1_200_000,
      T0 + 1_200_000,
    ]);
  });
});
