/**
 * Service events of a gateway (`registered`, `online`, `offline`, `unregistered`), delivered to in-process
 * listeners and, as Server-Sent Events, to the node, the explorer and deployment managers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Something that happened to one exposed service endpoint. */
export interface GatewayEvent {
  type: 'registered' | 'online' | 'offline' | 'unregistered';
  /** The endpoint's own service id (the job port's id, or the private id). */
  serviceId: string;
  /** The deployment's stable id, when the job belongs to one. */
  deploymentId: string | null;
  /** `node-api`: the host's own node API, whose `serviceId` is the node's address (`job` empty, `opIndex` -1). */
  kind?: 'node-api';
  job: string;
  node: string;
  opIndex: number;
  port: number;
  /** Why: `health-check-failed`, `tunnel-lost`, `graceful`, `job-ended`, … */
  reason?: string;
  /** Unix ms. */
  at: number;
}

/** Listeners of gateway events. */
export interface EventBus {
  publish(event: GatewayEvent): void;
  /** Calls `listener` for every event from now on; returns the unsubscribe function. */
  subscribe(listener: (event: GatewayEvent) => void): () => void;
}

/**
 * A synchronous in-process event bus; a throwing listener does not stop the others.
 *
 * @example
 * ```ts
 * const bus = createEventBus();
 * const stop = bus.subscribe((e) => e.type === 'online' && resolve());
 * ```
 */
export function createEventBus(): EventBus {
  const listeners = new Set<(event: GatewayEvent) => void>();
  return {
    publish(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch {
          // a listener's failure is its own
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Most concurrent SSE subscribers of one gateway. */
export const MAX_EVENT_SUBSCRIBERS = 1000;

/**
 * Serves the bus as `text/event-stream` on `response`, filtered by the `service`, `job` or `node` query
 * parameters; sends a comment every 15 s so proxies keep the connection open.
 *
 * @example
 * ```ts
 * if (url.pathname === '/_gateway/events') return serveEvents(bus, request, response);
 * ```
 */
export function serveEvents(
  bus: EventBus,
  request: Pick<IncomingMessage, 'url'>,
  response: ServerResponse,
): void {
  const query = new URL(request.url ?? '/', 'http://gateway').searchParams;
  const service = query.get('service')?.toLowerCase();
  const job = query.get('job');
  const node = query.get('node');
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  response.write(': nosana gateway events\n\n');
  const unsubscribe = bus.subscribe((event) => {
    if (service && event.serviceId.toLowerCase() !== service && event.deploymentId?.toLowerCase() !== service)
      return;
    if (job && event.job !== job) return;
    if (node && event.node !== node) return;
    response.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  });
  const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
  heartbeat.unref();
  response.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}
