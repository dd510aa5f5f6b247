/**
 * The routing table of a gateway: service id → endpoints (tunnel + registration), rebuilt from the tunnels that
 * are open and what the chain says; nothing is stored. Registration checks the chain; each endpoint is probed
 * until healthy, then kept under watch; unhealthy endpoints receive no traffic.
 */
import { randomInt } from 'node:crypto';
import { deploymentServiceId, serviceId as publicServiceId, serviceHash } from '@nosana/core';
import type { GatewayChainReader, ServicePolicy } from './chain-reader.js';
import type { EventBus, GatewayEvent } from './events.js';
import { probe } from './health.js';
import { type GatewayMessage, type HostMessage, REF_PATTERN } from './protocol.js';
import type { TunnelSession } from './tunnel-session.js';

/** One exposed port of one job, served through one tunnel. */
export interface Endpoint {
  session: TunnelSession;
  ref: string;
  job: string;
  opIndex: number;
  port: number;
  serviceId: string;
  deploymentId: string | null;
  policy: ServicePolicy;
  status: 'starting' | 'online' | 'offline';
  /** Consecutive failed probes. */
  failures: number;
  timer: NodeJS.Timeout | null;
  removed: boolean;
}

/** Probe timing. */
export interface HealthTiming {
  /** Between probes until the first success (default 1 s). */
  startupIntervalMs?: number;
  /** Between probes once online (default 10 s). */
  intervalMs?: number;
  /** A probe fails after this long (default 5 s). */
  timeoutMs?: number;
  /** Consecutive failed probes that take an online endpoint out of rotation (default 3, as Kubernetes probes). */
  failureThreshold?: number;
}

/** Most services one tunnel may register. */
export const MAX_ENDPOINTS_PER_TUNNEL = 256;

/** Where a service id leads. */
export type Route = { kind: 'unknown' } | { kind: 'starting' } | { kind: 'online'; endpoint: Endpoint };

/** Parameters of {@link createRegistry}. */
export interface CreateRegistryParameters {
  chain: GatewayChainReader;
  bus: EventBus;
  now: () => number;
  urlOf: (id: string) => string;
  health?: HealthTiming;
}

/** A routing table. */
export type Registry = ReturnType<typeof createRegistry>;

/** A private service's id: the host's secret makes it underivable; only the owner learns it (from the node). */
export const privateServiceId = (job: string, opIndex: number, port: number, secret: string) =>
  serviceHash(`private:${opIndex}:${port}:${job}:${secret}`, 45);

/**
 * Creates an empty routing table.
 *
 * @example
 * ```ts
 * const registry = createRegistry({ chain, bus, now: Date.now, urlOf: (id) => `https://${id}.${domain}` });
 * ```
 */
export function createRegistry({ chain, bus, now, urlOf, health = {} }: CreateRegistryParameters) {
  const { startupIntervalMs = 1000, intervalMs = 10_000, timeoutMs = 5000, failureThreshold = 3 } = health;
  const byId = new Map<string, Set<Endpoint>>();
  const bySession = new Map<TunnelSession, Map<string, Endpoint>>();
  const cursor = new Map<string, number>();

  const emit = (type: GatewayEvent['type'], e: Endpoint, reason?: string) =>
    bus.publish({
      type,
      serviceId: e.serviceId,
      deploymentId: e.deploymentId,
      job: e.job,
      node: e.session.node,
      opIndex: e.opIndex,
      port: e.port,
      ...(reason ? { reason } : {}),
      at: now(),
    });
  const ids = (e: Endpoint) =>
    [e.serviceId, ...(e.deploymentId ? [e.deploymentId] : [])].map((i) => i.toLowerCase());

  function remove(e: Endpoint, reason: string) {
    if (e.removed) return;
    e.removed = true;
    if (e.timer) clearTimeout(e.timer);
    for (const id of ids(e)) {
      const set = byId.get(id);
      set?.delete(e);
      if (set?.size === 0) {
        byId.delete(id);
        cursor.delete(id);
      }
    }
    const own = bySession.get(e.session);
    if (own?.get(e.ref) === e) own.delete(e.ref);
    emit('unregistered', e, reason);
    e.session.send({ type: 'unexposed', ref: e.ref, reason });
  }

  function schedule(e: Endpoint) {
    if (e.removed) return;
    e.timer = setTimeout(() => void check(e), e.status === 'online' ? intervalMs : startupIntervalMs);
    e.timer.unref();
  }

  async function check(e: Endpoint) {
    const runner = await chain.runnerOf(e.job).catch(() => e.session.node);
    if (e.removed) return;
    if (runner !== e.session.node) return remove(e, 'job-ended');
    const failure = await probe(() => e.session.open(e.ref, timeoutMs), e.policy.healthChecks, timeoutMs);
    if (e.removed) return;
    e.failures = failure === null ? 0 : e.failures + 1;
    if (failure === null && e.status !== 'online') {
      e.status = 'online';
      emit('online', e);
      e.session.send({ type: 'status', ref: e.ref, status: 'online' });
    } else if (failure !== null && e.status === 'online' && e.failures >= failureThreshold) {
      e.status = 'offline';
      emit('offline', e, failure);
      e.session.send({ type: 'status', ref: e.ref, status: 'offline', reason: failure });
    }
    schedule(e);
  }

  async function register(session: TunnelSession, message: Extract<HostMessage, { type: 'expose' }>) {
    const { ref, job, opIndex, port, secret } = message;
    const refuse = (reason: string, text: string): GatewayMessage => ({
      type: 'refused',
      ref,
      reason,
      message: text,
    });
    if (
      typeof ref !== 'string' ||
      !REF_PATTERN.test(ref) ||
      typeof job !== 'string' ||
      !Number.isSafeInteger(opIndex) ||
      opIndex < 0 ||
      !Number.isInteger(port) ||
      port < 1 ||
      port > 65535 ||
      (secret !== undefined && typeof secret !== 'string')
    )
      return refuse(
        'bad-request',
        'expose needs ref ([a-z0-9-]), job (base58), opIndex ≥ 0 and port 1–65535',
      );
    if ((bySession.get(session)?.size ?? 0) >= MAX_ENDPOINTS_PER_TUNNEL)
      return refuse(
        'too-many',
        `a tunnel may carry at most ${MAX_ENDPOINTS_PER_TUNNEL} services; open another one`,
      );
    let runner: string | null;
    let policy: ServicePolicy | null;
    try {
      [runner, policy] = await Promise.all([chain.runnerOf(job), chain.serviceOf(job, opIndex, port)]);
    } catch (error) {
      return refuse(
        'chain-unavailable',
        `could not read job ${job} from the chain (${String(error)}); retry later`,
      );
    }
    if (runner !== session.node)
      return refuse(
        'not-runner',
        `the chain says ${runner ?? 'nobody'} runs job ${job}, not ${session.node}`,
      );
    if (!policy) return refuse('not-exposed', `op ${opIndex} of job ${job} does not expose port ${port}`);
    if (policy.private && (!secret || secret.length < 32))
      return refuse(
        'secret-required',
        `op ${opIndex} of job ${job} is private: send a random secret of ≥ 32 characters`,
      );
    const serviceId = policy.private
      ? privateServiceId(job, opIndex, port, secret as string)
      : publicServiceId({ job, opIndex, port });
    const deploymentId = policy.deployment
      ? deploymentServiceId({ deploymentId: policy.deployment.id, project: policy.deployment.project })
      : null;
    for (const holder of byId.get(serviceId.toLowerCase()) ?? []) {
      // The same host reconnecting takes over its registration; anybody else is refused.
      if (holder.session.node !== session.node)
        return refuse('conflict', `service ${serviceId} is served by another host`);
      remove(holder, 'replaced');
    }
    const own = bySession.get(session) ?? new Map<string, Endpoint>();
    bySession.set(session, own);
    const previous = own.get(ref);
    if (previous) remove(previous, 'replaced');
    const e: Endpoint = {
      session,
      ref,
      job,
      opIndex,
      port,
      serviceId,
      deploymentId,
      policy,
      status: 'starting',
      failures: 0,
      timer: null,
      removed: false,
    };
    own.set(ref, e);
    for (const id of ids(e)) {
      const set = byId.get(id) ?? new Set<Endpoint>();
      set.add(e);
      byId.set(id, set);
    }
    emit('registered', e);
    queueMicrotask(() => void check(e));
    return {
      type: 'exposed',
      ref,
      serviceId,
      url: urlOf(serviceId),
      deploymentUrl: deploymentId ? urlOf(deploymentId) : null,
    } satisfies GatewayMessage;
  }

  function drop(session: TunnelSession) {
    for (const e of [...(bySession.get(session)?.values() ?? [])]) remove(e, 'tunnel-lost');
    bySession.delete(session);
  }

  return {
    /** Handles a host's control message; answers through the session. */
    async handle(session: TunnelSession, message: HostMessage) {
      if (message?.type === 'expose') session.send(await register(session, message));
      else if (message?.type === 'unexpose') {
        const e = bySession.get(session)?.get(message.ref);
        if (e) remove(e, 'graceful');
      }
    },
    /** Drops every endpoint of a closed tunnel. */
    drop,
    /** Where requests for `id` go: round robin over online endpoints. */
    route(id: string): Route {
      const set = byId.get(id.toLowerCase());
      if (!set?.size) return { kind: 'unknown' };
      const online = [...set].filter((e) => e.status === 'online' && !e.session.closed);
      if (!online.length) return { kind: 'starting' };
      const key = id.toLowerCase();
      const next = (cursor.get(key) ?? 0) % online.length;
      cursor.set(key, next + 1);
      return { kind: 'online', endpoint: online[next] as Endpoint };
    },
    /** Endpoints currently registered. */
    size: () => [...bySession.values()].reduce((n, m) => n + m.size, 0),
    /** Stops every probe. */
    close() {
      for (const session of [...bySession.keys()]) drop(session);
    },
  };
}

/** A random ref, for hosts that do not name their registrations. */
export const randomRef = () => `r${randomInt(2 ** 40).toString(36)}`;
