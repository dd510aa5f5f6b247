import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNosanaError, type JobDefinition, serviceId } from '@nosana/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeChain } from '../test/fake-chain.js';
import { deploymentUrl } from './gateway-health.js';
import type { HealthEvent, HealthSource } from './health.js';
import { createManager } from './manager.js';
import type { CreateDeploymentParameters } from './parameters.js';
import { openStore } from './store.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const web: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'web', args: { image: 'nginx:1.27', expose: 80 } }],
};
const NOS = 1_000_000n;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const dbPath = () => {
  const dir = mkdtempSync(join(tmpdir(), 'deployments-'));
  dirs.push(dir);
  return join(dir, 'deployments.db');
};

const setup = ({ price = 100n, balance = 1000n * NOS, memory = false } = {}) => {
  const clock = { now: T0 };
  const fake = createFakeChain({ clock, price, balance });
  const path = memory ? ':memory:' : dbPath();
  let store = openStore(path);
  const start = (health?: HealthSource) =>
    createManager({ store, chain: fake.chain, now: () => clock.now, ...(health ? { health } : {}) });
  return {
    clock,
    fake,
    store: () => store,
    manager: start(),
    start,
    /** A new manager on the same database file, as after kill -9. */
    restart(health?: HealthSource) {
      store.close();
      store = openStore(path);
      return start(health);
    },
  };
};

const params = (overrides: Partial<CreateDeploymentParameters> = {}): CreateDeploymentParameters => ({
  definition: web,
  market: 'cpu',
  replicas: 2,
  strategy: 'SIMPLE-EXTEND',
  timeout: 3600,
  budget: 100n * NOS,
  ...overrides,
});

describe('manager: bad input costs nothing', () => {
  it.each([
    ['an unknown market', { market: 'tpu' }, 'CHAIN__MARKET_NOT_FOUND'],
    [
      'a cron syntax error',
      { strategy: 'SCHEDULED' as const, schedule: '*/10 * * *x' },
      'DEPLOY__INVALID_SCHEDULE',
    ],
    ['replicas ≤ 0', { replicas: 0 }, 'DEPLOY__INVALID_PARAMETER'],
    ['a budget below one deposit', { budget: 100n * 3599n }, 'DEPLOY__BUDGET_TOO_LOW'],
    [
      'an invalid definition',
      { definition: { version: '0.1', type: 'container', ops: [{ id: 'x' }] } },
      'CORE__JOB_DEFINITION_INVALID',
    ],
    [
      'INFINITE with a short timeout',
      { strategy: 'INFINITE' as const, timeout: 600 },
      'DEPLOY__INVALID_PARAMETER',
    ],
  ])('rejects %s before anything is stored or sent', async (_, overrides, code) => {
    const { manager, fake, store } = setup();
    const error = await manager.create(params(overrides)).catch((e: unknown) => e);
    expect(isNosanaError(error, code as 'DEPLOY__INVALID_PARAMETER')).toBe(true);
    expect((error as Error).message.length).toBeGreaterThan(20);
    expect(store().deployments()).toEqual([]);
    expect(fake.calls.list).toBe(0);
  });
});

describe('manager: lifecycle', () => {
  it('creates, lists replicas, extends them, replaces a failed one, scales, stops and archives', async () => {
    const { manager, fake, store } = setup();
    const d = await manager.create(params());
    expect(store().revision(d.id, 1).definition.deployment_id).toBe(d.id);
    await manager.tick();
    expect(fake.open()).toHaveLength(2);
    expect(store().deployment(d.id).status).toBe('STARTING');
    await manager.tick();
    expect(store().deployment(d.id).status).toBe('RUNNING');

    fake.advance(3300_000);
    await manager.tick();
    expect(fake.calls.extend).toBe(2);
    expect(fake.open().map((j) => j.timeout)).toEqual([7200, 7200]);

    fake.fail(fake.open()[0]!.address);
    await manager.tick();
    expect(fake.open()).toHaveLength(2);
    expect(fake.calls.list).toBe(3);

    manager.scale(d.id, 1);
    await manager.tick();
    expect(fake.open()).toHaveLength(1);

    manager.stop(d.id);
    await manager.tick();
    await manager.tick();
    expect(fake.open()).toHaveLength(0);
    expect(store().deployment(d.id).status).toBe('STOPPED');
    expect(manager.archive(d.id).status).toBe('ARCHIVED');
    expect(() => manager.scale(d.id, 2)).toThrow(/archived/);
    expect(statSync(join(dirs[0]!, 'deployments.db')).mode & 0o777).toBe(0o600);
  });

  it('rolls a new revision out one replica at a time', async () => {
    const { manager, fake, store } = setup();
    const d = await manager.create(params({ replicas: 2 }));
    await manager.tick();
    await manager.update(d.id, {
      ...web,
      ops: [{ ...web.ops[0]!, args: { image: 'nginx:1.28', expose: 80 } }],
    });
    const open = () =>
      store()
        .jobs(d.id)
        .filter((j) => j.state === 'RUNNING' || j.state === 'QUEUED' || j.state === 'PENDING');
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      await manager.tick();
      seen.push(open().length);
      // Never fewer running replicas than wanted during the rollout.
      expect(fake.open().length).toBeGreaterThanOrEqual(2);
    }
    expect(open().map((j) => j.revision)).toEqual([2, 2]);
    expect(Math.max(...seen)).toBeLessThanOrEqual(3);
  });

  it('replaces a replica its health source reports offline past the grace period', async () => {
    const listeners = new Set<(e: HealthEvent) => void>();
    const health: HealthSource = {
      watch: () => undefined,
      unwatch: () => undefined,
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      close: async () => undefined,
    };
    const { fake, clock, start } = setup();
    const manager = start(health);
    const d = await manager.create(params({ replicas: 1 }));
    await manager.tick();
    const [first] = fake.open();
    for (const l of listeners) l({ job: first!.address, state: 'offline', at: clock.now });
    fake.advance(30_000);
    await manager.tick();
    expect(fake.open().map((j) => j.address)).toEqual([first!.address]);
    fake.advance(30_000);
    await manager.tick();
    expect(fake.open()).toHaveLength(1);
    expect(fake.open()[0]!.address).not.toBe(first!.address);
    expect((await manager.view(d.id)).jobs.find((j) => j.address === first!.address)?.stoppedBy).toBe(
      'unhealthy',
    );
  });

  it("shows the deployment's stable URL and each replica's endpoint health from the source", async () => {
    const listeners = new Set<(e: HealthEvent) => void>();
    const watched = new Map<string, string[]>();
    const health: HealthSource = {
      watch: (job, info) => watched.set(job, info?.services ?? []),
      unwatch: (job) => watched.delete(job),
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      close: async () => undefined,
    };
    const { fake, clock, store } = setup();
    const manager = createManager({
      store: store(),
      chain: fake.chain,
      health,
      gatewayUrl: 'http://localhost:8090',
      now: () => clock.now,
    });
    const d = await manager.create(params({ replicas: 2 }));
    await manager.tick();
    await manager.tick();
    const [a, b] = fake.open();
    expect(watched.get(a!.address)).toEqual([serviceId({ job: a!.address, opIndex: 0, port: 80 })]);
    for (const l of listeners) l({ job: a!.address, state: 'online', at: clock.now });
    for (const l of listeners)
      l({ job: b!.address, state: 'offline', at: clock.now, reason: 'unregistered: tunnel-lost' });
    const view = await manager.view(d.id);
    expect(view.url).toBe(
      deploymentUrl({ gatewayUrl: 'http://localhost:8090', deployment: d.id, project: d.owner }),
    );
    expect(view.url).toMatch(/^http:\/\/[1-9A-HJ-NP-Za-km-z]{45}\.localhost:8090$/);
    const replica = (address: string) => view.jobs.find((j) => j.address === address);
    expect(replica(a!.address)).toMatchObject({ health: 'online', healthReason: null });
    expect(replica(b!.address)).toMatchObject({
      health: 'offline',
      healthSince: clock.now,
      healthReason: 'unregistered: tunnel-lost',
      services: [serviceId({ job: b!.address, opIndex: 0, port: 80 })],
    });
    manager.close();
  });

  it('wakes its run loop when a replica goes offline, and replaces it once the grace passed', async () => {
    const listeners = new Set<(e: HealthEvent) => void>();
    const health: HealthSource = {
      watch: () => undefined,
      unwatch: () => undefined,
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      close: async () => undefined,
    };
    const { fake, clock, store } = setup();
    let ticked: () => void = () => undefined;
    const firstTick = new Promise<void>((resolve) => {
      ticked = resolve;
    });
    const manager = createManager({ store: store(), chain: fake.chain, health, now: () => clock.now });
    const d = await manager.create(params({ replicas: 1 }));
    await manager.tick();
    const [first] = fake.open();
    const tick = manager.tick;
    const stop = new AbortController();
    let replaced: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      replaced = resolve;
    });
    manager.tick = async () => {
      const plans = await tick();
      ticked();
      if (plans.get(d.id)?.actions.some((a) => a.kind === 'STOP' && a.reason === 'unhealthy')) replaced();
      return plans;
    };
    const running = manager.run({ signal: stop.signal, intervalMs: 3_600_000 });
    await firstTick;
    // The event says offline since 61 s ago: past the grace, so the pass it wakes replaces the replica.
    fake.advance(61_000);
    for (const l of listeners) l({ job: first!.address, state: 'offline', at: clock.now - 61_000 });
    await done;
    stop.abort();
    await running;
    expect(fake.open().map((j) => j.address)).not.toContain(first!.address);
    expect(fake.open()).toHaveLength(1);
  });

  it('pauses with INSUFFICIENT_FUNDS and resumes when the wallet is topped up', async () => {
    const { manager, fake, store } = setup({ balance: 0n });
    const d = await manager.create(params({ replicas: 1 }));
    await manager.tick();
    expect(store().deployment(d.id).status).toBe('INSUFFICIENT_FUNDS');
    expect(fake.calls.list).toBe(0);
    fake.state.balance = 10n * NOS;
    await manager.tick();
    expect(fake.open()).toHaveLength(1);
    await manager.tick();
    expect(store().deployment(d.id).status).toBe('RUNNING');
  });

  it('shows spend, a forecast and the next action', async () => {
    const { manager } = setup();
    const d = await manager.create(params({ replicas: 2, budget: 10n * NOS }));
    await manager.tick();
    const view = await manager.view(d.id);
    expect(view.spent).toBe(2n * 100n * 3600n);
    expect(view.forecast.perHour).toBe(2n * 100n * 3600n);
    expect(view.forecast.secondsLeft).toBe(Number((10n * NOS - view.spent) / 200n));
    expect(view.next?.action).toMatch(/^extend /);
    expect(view.next?.at).toBe(T0 + 3300_000);
  });
});

describe('manager: cost of a pass', () => {
  it('reads every open job of every deployment in one batched chain read per pass', async () => {
    const { manager, fake } = setup({ memory: true });
    for (let i = 0; i < 5; i++) await manager.create(params({ replicas: 3 }));
    await manager.tick();
    expect(fake.open()).toHaveLength(15);
    const before = fake.calls.reads;
    await manager.tick();
    expect(fake.calls.reads - before).toBe(1);
  });

  it('reports each pass of its run loop: duration, deployments, actions', async () => {
    const { manager } = setup({ memory: true });
    await manager.create(params({ replicas: 2 }));
    const stop = new AbortController();
    const passes: Array<{ durationMs: number; deployments: number; actions: number }> = [];
    await manager.run({
      signal: stop.signal,
      intervalMs: 3_600_000,
      onPass: (pass) => {
        passes.push(pass);
        stop.abort();
      },
    });
    expect(passes).toHaveLength(1);
    expect(passes[0]).toMatchObject({ deployments: 1, actions: 2 });
    expect(passes[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe('manager: crash safety', () => {
  it.each([
    ['list', 'before'],
    ['list', 'after'],
    ['extend', 'before'],
    ['extend', 'after'],
    ['stop', 'before'],
    ['stop', 'after'],
  ] as const)('a crash %s-%s sending never duplicates nor loses anything', async (kind, when) => {
    const t = setup();
    let manager = t.manager;
    const d = await manager.create(params({ replicas: 2 }));
    if (kind !== 'list') await manager.tick();
    if (kind === 'extend') t.fake.advance(3300_000);
    if (kind === 'stop') manager.scale(d.id, 1);
    t.fake.faults.push({ kind, when });
    await manager.tick();
    // The intent survived the "crash"; a fresh manager on the same database settles it from the chain.
    expect(
      t
        .store()
        .pendingIntents()
        .map((i) => i.kind),
    ).toContain(kind.toUpperCase());
    manager = t.restart();
    await manager.tick();
    await manager.tick();
    expect(t.store().pendingIntents()).toEqual([]);
    const want = kind === 'stop' ? 1 : 2;
    expect(t.fake.open()).toHaveLength(want);
    expect(t.fake.calls.list).toBe(2);
    if (kind === 'extend') {
      expect(t.fake.calls.extend).toBe(2);
      expect(t.fake.open().map((j) => j.timeout)).toEqual([7200, 7200]);
    }
    if (kind === 'stop') expect(t.fake.calls.stop).toBe(1);
  });
});

describe('manager: SCHEDULED over a simulated day', () => {
  it('fires every */10 firing exactly once: 144 firings, 0 missed, 0 duplicated', async () => {
    const { manager, fake, store, clock } = setup({ memory: true });
    const d = await manager.create(
      params({
        strategy: 'SCHEDULED',
        schedule: '*/10 * * * *',
        replicas: 1,
        timeout: 300,
        budget: 1000n * NOS,
      }),
    );
    // Ticks every 97 s (prime to the 10 min period, so ticks land everywhere in it) over 24 hours.
    while (clock.now <= T0 + 86_400_000 + 97_000) {
      await manager.tick();
      fake.advance(97_000);
    }
    const firings = store()
      .jobs(d.id)
      .map((j) => j.firing!);
    expect(new Set(firings).size).toBe(firings.length);
    expect(firings).toHaveLength(144);
    for (let i = 1; i <= 144; i++) expect(firings).toContain(T0 + i * 600_000);
    expect(fake.calls.list).toBe(144);
  }, 60_000);
});
