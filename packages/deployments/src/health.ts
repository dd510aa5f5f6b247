import type { HealthState } from './types.js';

/** A change of a job's (or one of its services') health, as a gateway or a prober reports it. */
export interface HealthEvent {
  /** Job address. */
  job: string;
  /** The service id the event is about, when the source knows (a gateway); absent for the whole job. */
  service?: string;
  state: HealthState;
  /** Unix milliseconds. */
  at: number;
  /** Why, when the source says (`offline: tunnel-lost`, …). */
  reason?: string;
}

/** What the manager tells a source about a job it starts following. */
export interface WatchInfo {
  /** The service ids of the job's public ports (none: the job serves nothing a gateway routes). */
  services: string[];
}

/**
 * Where the manager learns whether a replica serves. {@link createGatewayHealthSource} implements it from the
 * gateway's events (`registered` ⇒ starting, `online` ⇒ online, `offline`/`unregistered` ⇒ offline);
 * {@link createProbeHealthSource} is the fallback that needs no gateway. A job the source says nothing about is
 * treated as healthy while RUNNING.
 */
export interface HealthSource {
  /** Start following a job (the manager calls it when the job runs, with the job's public service ids). */
  watch(job: string, info?: WatchInfo): void;
  /** Stop following a job. */
  unwatch(job: string): void;
  /**
   * Resolves once what the source is finding out about newly watched jobs is known (optional: a source that
   * reads a job's current state when it starts following it).
   */
  settled?(): Promise<void>;
  /** Receive events; returns the unsubscribe function. */
  subscribe(listener: (event: HealthEvent) => void): () => void;
  close(): Promise<void>;
}

/** Parameters of {@link createProbeHealthSource}. */
export interface CreateProbeHealthSourceParameters {
  /** The URLs to probe for a job (e.g. from the node's endpoints); none ⇒ the job is healthy while RUNNING. */
  endpoints: (job: string) => Promise<string[]>;
  /** Probe interval (ms). Default 10 s. */
  intervalMs?: number;
  /** Per-probe timeout (ms). Default 5 s. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

/**
 * The fallback health source: probes each watched job's endpoints with HTTP GET and reports `online` when all
 * answer below 500, `offline` otherwise, only on changes. Jobs without endpoints get no events (healthy while
 * RUNNING).
 *
 * @example
 * ```ts
 * const health = createProbeHealthSource({ endpoints: async (job) => [`http://127.0.0.1:8080/`] });
 * const off = health.subscribe((e) => console.log(e.job, e.state));
 * health.watch(jobAddress);
 * ```
 */
export function createProbeHealthSource({
  endpoints,
  intervalMs = 10_000,
  timeoutMs = 5_000,
  fetch = globalThis.fetch,
  now = Date.now,
}: CreateProbeHealthSourceParameters): HealthSource {
  const watched = new Map<string, 'online' | 'offline' | null>();
  const listeners = new Set<(event: HealthEvent) => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  const probe = async (job: string) => {
    const urls = await endpoints(job).catch(() => [] as string[]);
    if (urls.length === 0 || !watched.has(job)) return;
    const results = await Promise.all(
      urls.map((url) =>
        fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' })
          .then((r) => {
            void r.body?.cancel();
            return r.status < 500;
          })
          .catch(() => false),
      ),
    );
    const state = results.every(Boolean) ? 'online' : 'offline';
    if (!watched.has(job) || watched.get(job) === state) return;
    watched.set(job, state);
    for (const listener of listeners) listener({ job, state, at: now() });
  };
  const round = () => {
    for (const job of watched.keys()) void probe(job);
  };
  return {
    watch(job) {
      if (watched.has(job)) return;
      watched.set(job, null);
      timer ??= setInterval(round, intervalMs);
      timer.unref?.();
      void probe(job);
    },
    unwatch(job) {
      watched.delete(job);
      if (watched.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      watched.clear();
      listeners.clear();
    },
  };
}
