/**
 * The routing table of a gateway: service id → endpoints (tunnel + registration), rebuilt from the tunnels that
 * are open and what the chain says; nothing is stored. Registration checks the chain; each endpoint is probed
 * until healthy, then kept under watch; unhealthy endpoints receive no traffic.
 */
import { randomInt } from 'node:crypto';
import type { GatewayChainReader, ServicePolicy } from './chain-reader.js';
import type { EventBus, GatewayEvent } from './events.js';
import { admitExpose, exposeApiShapeRefusal, healthTransition, type Refusal } from './expose-rules.js';
import { probe } from './health.js';
import type { GatewayMessage, HostMessage } from './protocol.js';
import type { TunnelSession } from './tunnel-session.js';

/** One exposed port of one job, served through one tunnel. */
export interface Endpoint {
  /** A job's exposed port, or the host's own node API (served under the node's address). */
  kind: 'service' | 'node-api';
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

export { MAX_ENDPOINTS_PER_TUNNEL, privateServiceId } from './expose-rules.js';

/** What every node API endpoint shares: no job, no deployment, a TCP probe. */
const NODE_API_FIELDS = {
  kind: 'node-api',
  job: '',
  opIndex: -1,
  deploymentId: null,
  policy: { private: false, deployment: null, healthChecks: [] } satisfies ServicePolicy,
} as const;

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

/**
 * Creates an empty routing table.
 *
 * @example
 * ```ts
 * const registry = createRegistry({ chain, bus, now: Date.now, urlOf: (id) => `https://${id}.${domain}` });
 * ```
 */
export function createRegistry({ chain, bus, now, urlOf, health = {} }: CreateRegistryParameters) {
  const byId = new Map<string, Set<Endpoint>>();
  const bySession = new Map<TunnelSession, Map<string, Endpoint>>();
  const cursor = new Map<string, number>();

  const emit = (type: GatewayEvent['type'], e: Endpoint, reason?: string) =>
    bus.publish(endpointEvent(type, e, now(), reason));
  const watch = createHealthWatch({
    chain,
    health,
    onEnded: (e) => remove(e, 'job-ended'),
    onChange(e, status, failure) {
      emit(status, e, failure ?? undefined);
      e.session.send({ type: 'status', ref: e.ref, status, ...(failure ? { reason: failure } : {}) });
    },
  });
  function remove(e: Endpoint, reason: string) {
    if (e.removed) return;
    e.removed = true;
    watch.stop(e);
    unindexEndpoint(byId, cursor, e);
    const own = bySession.get(e.session);
    if (own?.get(e.ref) === e) own.delete(e.ref);
    emit('unregistered', e, reason);
    e.session.send({ type: 'unexposed', ref: e.ref, reason });
  }

  async function register(session: TunnelSession, message: Extract<HostMessage, { type: 'expose' }>) {
    const { ref, job, opIndex, port } = message;
    const refuse = ({ reason, text }: Refusal): GatewayMessage => ({
      type: 'refused',
      ref,
      reason,
      message: text,
    });
    const admitted = await admitExpose(chain, session.node, message, bySession.get(session)?.size ?? 0);
    if ('reason' in admitted) return refuse(admitted);
    const { serviceId, deploymentId, policy } = admitted;
    for (const holder of byId.get(serviceId.toLowerCase()) ?? []) {
      // The same host reconnecting takes over its registration; anybody else is refused.
      if (holder.session.node !== session.node)
        return refuse({ reason: 'conflict', text: `service ${serviceId} is served by another host` });
      remove(holder, 'replaced');
    }
    const e = add({ kind: 'service', session, ref, job, opIndex, port, serviceId, deploymentId, policy });
    emit('registered', e);
    watch.start(e);
    return {
      type: 'exposed',
      ref,
      serviceId,
      url: urlOf(serviceId),
      deploymentUrl: deploymentId ? urlOf(deploymentId) : null,
    } satisfies GatewayMessage;
  }

  /** The host's node API, under the address its tunnel signed for: nobody else can claim that id. */
  function registerApi(session: TunnelSession, message: Extract<HostMessage, { type: 'expose-api' }>) {
    const { ref, port } = message;
    const shape = exposeApiShapeRefusal(message, bySession.get(session)?.size ?? 0);
    if (shape)
      return { type: 'refused', ref, reason: shape.reason, message: shape.text } satisfies GatewayMessage;
    const serviceId = session.node;
    for (const holder of byId.get(serviceId.toLowerCase()) ?? []) remove(holder, 'replaced');
    const e = add({ ...NODE_API_FIELDS, session, ref, port, serviceId });
    emit('registered', e);
    watch.start(e);
    return {
      type: 'exposed',
      ref,
      serviceId,
      url: urlOf(serviceId),
      deploymentUrl: null,
    } satisfies GatewayMessage;
  }

  function add(fields: Omit<Endpoint, 'status' | 'failures' | 'timer' | 'removed'>): Endpoint {
    const own = bySession.get(fields.session) ?? new Map<string, Endpoint>();
    bySession.set(fields.session, own);
    const previous = own.get(fields.ref);
    if (previous) remove(previous, 'replaced');
    const e: Endpoint = { ...fields, status: 'starting', failures: 0, timer: null, removed: false };
    own.set(e.ref, e);
    indexEndpoint(byId, e);
    return e;
  }

  function drop(session: TunnelSession) {
    for (const e of [...(bySession.get(session)?.values() ?? [])]) remove(e, 'tunnel-lost');
    bySession.delete(session);
  }

  return {
    /** Handles a host's control message; answers through the session. */
    async handle(session: TunnelSession, message: HostMessage) {
      if (message?.type === 'expose') session.send(await register(session, message));
      else if (message?.type === 'expose-api') session.send(registerApi(session, message));
      else if (message?.type === 'unexpose') {
        const e = bySession.get(session)?.get(message.ref);
        if (e) remove(e, 'graceful');
      }
    },
    /** Drops every endpoint of a closed tunnel. */
    drop,
    /** Where requests for `id` go: round robin over online endpoints. */
    route: (id: string): Route => pickRoute(byId, cursor, id.toLowerCase()),
    /** Endpoints currently registered. */
    size: () => [...bySession.values()].reduce((n, m) => n + m.size, 0),
    /** Stops every probe. */
    close() {
      for (const session of [...bySession.keys()]) drop(session);
    },
  };
}

/** The lower-cased ids an endpoint is routed under: its own, and its deployment's. */
const idsOf = (e: Endpoint) =>
  [e.serviceId, ...(e.deploymentId ? [e.deploymentId] : [])].map((i) => i.toLowerCase());

/** Adds an endpoint under each of its ids. */
function indexEndpoint(byId: Map<string, Set<Endpoint>>, e: Endpoint): void {
  for (const id of idsOf(e)) {
    const set = byId.get(id) ?? new Set<Endpoint>();
    set.add(e);
    byId.set(id, set);
  }
}

/** Removes an endpoint from each of its ids, and forgets ids left with none. */
function unindexEndpoint(byId: Map<string, Set<Endpoint>>, cursor: Map<string, number>, e: Endpoint): void {
  for (const id of idsOf(e)) {
    const set = byId.get(id);
    set?.delete(e);
    if (set?.size === 0) {
      byId.delete(id);
      cursor.delete(id);
    }
  }
}

/**
 * Round robin over the online endpoints of `key` (a lower-cased id); `starting` while none is online yet.
 *
 * @example
 * ```ts
 * pickRoute(byId, cursor, id.toLowerCase());
 * ```
 */
export function pickRoute(byId: Map<string, Set<Endpoint>>, cursor: Map<string, number>, key: string): Route {
  const set = byId.get(key);
  if (!set?.size) return { kind: 'unknown' };
  const online = [...set].filter((e) => e.status === 'online' && !e.session.closed);
  if (!online.length) return { kind: 'starting' };
  const next = (cursor.get(key) ?? 0) % online.length;
  cursor.set(key, next + 1);
  return { kind: 'online', endpoint: online[next] as Endpoint };
}

/** The event of an endpoint. */
const endpointEvent = (
  type: GatewayEvent['type'],
  e: Endpoint,
  at: number,
  reason?: string,
): GatewayEvent => ({
  type,
  serviceId: e.serviceId,
  deploymentId: e.deploymentId,
  ...(e.kind === 'node-api' ? { kind: 'node-api' as const } : {}),
  job: e.job,
  node: e.session.node,
  opIndex: e.opIndex,
  port: e.port,
  ...(reason ? { reason } : {}),
  at,
});

/**
 * Probes endpoints until they end: first every `startupIntervalMs`, every `intervalMs` once online; each probe of a
 * job's port first re-checks on chain that the host still runs the job.
 */
function createHealthWatch({
  chain,
  health,
  onEnded,
  onChange,
}: {
  chain: GatewayChainReader;
  health: HealthTiming;
  onEnded(e: Endpoint): void;
  onChange(e: Endpoint, status: 'online' | 'offline', failure: string | null): void;
}) {
  const { startupIntervalMs = 1000, intervalMs = 10_000, timeoutMs = 5000, failureThreshold = 3 } = health;
  const schedule = (e: Endpoint) => {
    if (e.removed) return;
    e.timer = setTimeout(() => void check(e), e.status === 'online' ? intervalMs : startupIntervalMs);
    e.timer.unref();
  };
  async function check(e: Endpoint) {
    // A job's port lives while the host runs the job; the node API while the tunnel does.
    const runner =
      e.kind === 'node-api' ? e.session.node : await chain.runnerOf(e.job).catch(() => e.session.node);
    if (e.removed) return;
    if (runner !== e.session.node) return onEnded(e);
    const failure = await probe(() => e.session.open(e.ref, timeoutMs), e.policy.healthChecks, timeoutMs);
    if (e.removed) return;
    e.failures = failure === null ? 0 : e.failures + 1;
    const next = healthTransition(e.status, e.failures, failureThreshold, failure);
    if (next) {
      e.status = next;
      onChange(e, next, next === 'offline' ? failure : null);
    }
    schedule(e);
  }
  return {
    start: (e: Endpoint) => queueMicrotask(() => void check(e)),
    stop: (e: Endpoint) => {
      if (e.timer) clearTimeout(e.timer);
    },
  };
}

/** A random ref, for hosts that do not name their registrations. */
export const randomRef = () => `r${randomInt(2 ** 40).toString(36)}`;
