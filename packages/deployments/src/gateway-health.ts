/**
 * The gateway as a {@link HealthSource}: a replica is healthy when the gateway routes users to it. Follows the
 * gateway's Server-Sent Events (`GET /_gateway/events`) and maps them to health; the deployment's stable URL.
 */
import { deploymentServiceId, type JobDefinition, serviceId } from '@nosana/core';
import { createParser } from 'eventsource-parser';
import { pause } from './delay.js';
import type { HealthEvent, HealthSource } from './health.js';
import type { HealthState } from './types.js';

/** The part of a gateway event (`@nosana/gateway`'s `GatewayEvent`) the manager reads. */
export interface GatewayServiceEvent {
  type: 'registered' | 'online' | 'offline' | 'unregistered';
  serviceId: string;
  job: string;
  /** `health-check-failed`, `tunnel-lost`, `graceful`, `job-ended`, … */
  reason?: string;
  at: number;
}

/**
 * What a gateway event means for a replica: `registered` ⇒ starting (the URL answers 503 until its health check
 * passed), `online` ⇒ online, `offline` ⇒ offline, `unregistered` ⇒ offline (tunnel lost, job ended, withdrawn).
 * Anything else ⇒ null.
 *
 * @example
 * ```ts
 * healthOfGatewayEvent({ type: 'online', serviceId: 'Fp…', job: '7x…', at: 1 }); // { job: '7x…', state: 'online', … }
 * ```
 */
export function healthOfGatewayEvent(event: GatewayServiceEvent): HealthEvent | null {
  const states: Record<string, HealthState> = {
    registered: 'starting',
    online: 'online',
    offline: 'offline',
    unregistered: 'offline',
  };
  const state = states[event.type];
  if (!state || typeof event.job !== 'string' || typeof event.serviceId !== 'string') return null;
  return {
    job: event.job,
    service: event.serviceId,
    state,
    at: Number.isFinite(event.at) ? event.at : 0,
    ...(event.reason ? { reason: `${event.type}: ${event.reason}` } : {}),
  };
}

/**
 * The service ids of a job's public ports (`serviceId` of every exposed port of every `container/run` op), in
 * definition order; private ops are left out (their ids are secret to the host and the owner).
 *
 * @example
 * ```ts
 * jobServiceIds(definition, job); // ['Fp3…'] for one op exposing one port
 * ```
 */
export function jobServiceIds(definition: JobDefinition, job: string): string[] {
  const ids: string[] = [];
  definition.ops.forEach((op, opIndex) => {
    if (op.type !== 'container/run') return;
    const args = op.args as { expose?: unknown; private?: boolean };
    if (args.private === true) return;
    const raw = args.expose;
    const entries =
      typeof raw === 'number' || typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
    for (const entry of entries) {
      const port = typeof entry === 'object' && entry !== null ? (entry as { port: unknown }).port : entry;
      const n = Number(port);
      if (Number.isInteger(n) && n > 0) ids.push(serviceId({ job, opIndex, port: n }));
    }
  });
  return ids;
}

/** Parameters of {@link deploymentUrl}. */
export interface DeploymentUrlParameters {
  /** The gateway's public URL (`https://node.example.com`, `http://localhost:8090` on a localnet). */
  gatewayUrl: string;
  /** The deployment's id (the definitions' `deployment_id`). */
  deployment: string;
  /** The wallet that lists the replicas (their `project` on chain). */
  project: string;
}

/**
 * A deployment's stable URL: `<scheme>://<createHash("<deployment_id>:<project>", 45)>.<gateway host>`, the id the
 * gateway load-balances over the deployment's healthy replicas.
 *
 * @example
 * ```ts
 * deploymentUrl({ gatewayUrl: 'https://node.example.com', deployment: 'dep_x', project: wallet }); // https://3Fq….node.example.com
 * ```
 */
export function deploymentUrl({ gatewayUrl, deployment, project }: DeploymentUrlParameters): string {
  const url = new URL(gatewayUrl);
  const id = deploymentServiceId({ deploymentId: deployment, project });
  return `${url.protocol}//${id}.${url.host}`;
}

/** Parameters of {@link createGatewayHealthSource}. */
export interface CreateGatewayHealthSourceParameters {
  /** Where the manager reaches the gateway (its events at `/_gateway/events`, services at `/s/<id>/`). */
  url: string;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  /** Reconnect delays of the event stream: `initialMs` doubling to `maxMs`. Default 500 ms → 15 s. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Per-request timeout of the snapshot probes (ms). Default 5 s. */
  timeoutMs?: number;
  /** Connection changes of the event stream, for logs. */
  onStream?: (status: { connected: boolean; error?: unknown }) => void;
}

/**
 * Health from a gateway: one event stream (reconnected with backoff) mapped by {@link healthOfGatewayEvent}, kept
 * per service and reported per job (online when every public service of the job is online, offline when one is
 * offline, starting otherwise). A watched job starts as `starting`; its current state is read once when watched
 * and after every reconnect by addressing each service at `/s/<id>/` (404: not registered, 503 `service-starting`:
 * starting, anything else: routed, so online), since events only tell changes.
 *
 * @example
 * ```ts
 * const health = createGatewayHealthSource({ url: 'http://127.0.0.1:8090' });
 * const manager = createManager({ store, chain, health, gatewayUrl: 'http://localhost:8090' });
 * ```
 */
export function createGatewayHealthSource({
  url,
  fetch = globalThis.fetch,
  now = Date.now,
  backoff = {},
  timeoutMs = 5_000,
  onStream,
}: CreateGatewayHealthSourceParameters): HealthSource {
  const base = url.replace(/\/+$/, '');
  /** Per watched job: the state of each of its services. */
  const watched = new Map<string, Map<string, { state: HealthState; reason?: string }>>();
  const reported = new Map<string, HealthState>();
  const listeners = new Set<(event: HealthEvent) => void>();
  const closing = new AbortController();
  let stream: Promise<void> | undefined;

  const report = (job: string, at: number, reason?: string) => {
    const services = watched.get(job);
    if (!services) return;
    const states = [...services.values()].map((s) => s.state);
    const state: HealthState = states.includes('offline')
      ? 'offline'
      : states.length > 0 && states.every((s) => s === 'online')
        ? 'online'
        : 'starting';
    if (reported.get(job) === state) return;
    reported.set(job, state);
    const event: HealthEvent = { job, state, at, ...(reason ? { reason } : {}) };
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the stream goes on.
      }
    }
  };
  const apply = (event: HealthEvent) => {
    const services = watched.get(event.job);
    if (!services || !event.service || !services.has(event.service)) return;
    services.set(event.service, { state: event.state, ...(event.reason ? { reason: event.reason } : {}) });
    report(event.job, event.at, event.reason);
  };

  /** The current state of one service, read through the gateway's routing. */
  const snapshot = async (job: string, service: string) => {
    try {
      const response = await fetch(`${base}/s/${service}/`, {
        signal: AbortSignal.any([closing.signal, AbortSignal.timeout(timeoutMs)]),
        redirect: 'manual',
      });
      const text = await response.text().catch(() => '');
      const state: HealthState =
        response.status === 404 || (response.status === 503 && text.includes('service-starting'))
          ? 'starting'
          : 'online';
      // An event that arrived meanwhile is newer than this read.
      const services = watched.get(job);
      if (services?.get(service)?.state === 'starting' && state === 'online')
        apply({ job, service, state, at: now(), reason: 'routed by the gateway' });
    } catch {
      // The gateway is unreachable: the job stays as it was; the stream's reconnect reads it again.
    }
  };
  const inFlight = new Set<Promise<void>>();
  const read = (job: string, service: string) => {
    const reading = snapshot(job, service).finally(() => inFlight.delete(reading));
    inFlight.add(reading);
  };
  const resync = () => {
    for (const [job, services] of watched) for (const service of services.keys()) read(job, service);
  };

  const follow = () =>
    followGatewayEvents({
      url: `${base}/_gateway/events`,
      fetch,
      signal: closing.signal,
      backoff,
      onConnect: () => {
        onStream?.({ connected: true });
        resync();
      },
      onDisconnect: (error) => onStream?.({ connected: false, ...(error === undefined ? {} : { error }) }),
      onEvent: (event) => {
        const mapped = healthOfGatewayEvent(event);
        if (mapped) apply(mapped);
      },
    });

  return {
    watch(job, info) {
      const services = info?.services ?? [];
      if (watched.has(job) || services.length === 0) return;
      watched.set(job, new Map(services.map((s) => [s, { state: 'starting' as HealthState }])));
      report(job, now());
      stream ??= follow();
      for (const service of services) read(job, service);
    },
    async settled() {
      await Promise.all([...inFlight]);
    },
    unwatch(job) {
      watched.delete(job);
      reported.delete(job);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closing.abort();
      await stream;
      watched.clear();
      listeners.clear();
    },
  };
}

/** Parameters of {@link followGatewayEvents}. */
export interface FollowGatewayEventsParameters {
  /** The gateway's `/_gateway/events` URL (with a `job`, `service` or `node` filter if wanted). */
  url: string;
  signal: AbortSignal;
  fetch?: typeof globalThis.fetch;
  /** Reconnect delays: `initialMs` doubling to `maxMs`. Default 500 ms → 15 s. */
  backoff?: { initialMs?: number; maxMs?: number };
  onEvent(event: GatewayServiceEvent): void;
  /** The stream is open (again): events from now on arrive, earlier ones were missed. */
  onConnect?(): void;
  onDisconnect?(error?: unknown): void;
}

/**
 * Reads a gateway's Server-Sent Events until `signal` aborts, reconnecting with backoff after every end or
 * failure; events that do not parse are skipped.
 *
 * @example
 * ```ts
 * await followGatewayEvents({ url: `${gateway}/_gateway/events`, signal, onEvent: (e) => log(e.type, e.job) });
 * ```
 */
export async function followGatewayEvents({
  url,
  signal,
  fetch = globalThis.fetch,
  backoff = {},
  onEvent,
  onConnect,
  onDisconnect,
}: FollowGatewayEventsParameters): Promise<void> {
  const initial = backoff.initialMs ?? 500;
  let delay = initial;
  while (!signal.aborted) {
    try {
      const response = await fetch(url, { signal, headers: { accept: 'text/event-stream' } });
      if (!response.ok || !response.body) throw new Error(`the gateway answered ${response.status}`);
      delay = initial;
      onConnect?.();
      const parser = createParser({
        onEvent(message) {
          let event: GatewayServiceEvent;
          try {
            event = JSON.parse(message.data) as GatewayServiceEvent;
          } catch {
            return; // not an event of ours
          }
          onEvent(event);
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
        parser.feed(decoder.decode(chunk, { stream: true }));
      onDisconnect?.();
    } catch (error) {
      if (signal.aborted) return;
      onDisconnect?.(error);
    }
    await pause(delay, signal);
    delay = Math.min(delay * 2, backoff.maxMs ?? 15_000);
  }
}
