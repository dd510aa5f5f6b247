/**
 * The gateway server: one HTTP(S) port for everybody. Public requests are routed by Host
 * (`<service-id>.<domain>`) or by path (`/s/<service-id>/…`) to a healthy endpoint and forwarded through that
 * host's tunnel; hosts open their tunnels on the same port (`/_gateway/tunnel`); events are served at
 * `/_gateway/events`.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { verifyAuthHeader } from '@nosana/chain';
import { NosanaError } from '@nosana/core';
import { PublicKey } from '@solana/web3.js';
import type { GatewayChainReader } from './chain-reader.js';
import { createEventBus, type GatewayEvent, MAX_EVENT_SUBSCRIBERS, serveEvents } from './events.js';
import { NODE_HEADER, TUNNEL_PATH, TUNNEL_UPGRADE, tunnelAuthMessage } from './protocol.js';
import { type ForwardedInfo, proxyRequest, proxyUpgrade, rejectUpgrade, sendJson } from './proxy.js';
import { createRegistry, type HealthTiming } from './registry.js';
import { openTunnelSession, type TunnelSession } from './tunnel-session.js';
import './errors.js';

/** Parameters of {@link startGateway}. */
export interface StartGatewayParameters {
  /** The wildcard domain services live under: `<service-id>.<domain>` (`localhost` on a localnet). */
  domain: string;
  /** Where to listen (default 127.0.0.1, port 0 = any free port). */
  listen?: { host?: string; port?: number };
  /** Who runs which job, and how its ports are exposed. Wrap it in `cachedChainReader`. */
  chain: GatewayChainReader;
  /** The clock (ms), for events. */
  now?: () => number;
  /** Serve HTTPS with this certificate (PEM; a wildcard certificate for `*.<domain>`). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** The port clients use, when it differs from the listening one (behind a load balancer). */
  publicPort?: number;
  health?: HealthTiming;
  /** Most tunnels open at once (default 10,000). */
  maxTunnels?: number;
  /** How old a tunnel signature may be (default 60 s). */
  authMaxAgeMs?: number;
}

/** A running gateway. */
export interface Gateway extends AsyncDisposable {
  /** The gateway's own address, e.g. `http://localhost:8080`. */
  url: string;
  port: number;
  domain: string;
  /** The public URL of a service id. */
  serviceUrl(id: string): string;
  /** Calls `listener` for every service event; returns the unsubscribe function. */
  subscribe(listener: (event: GatewayEvent) => void): () => void;
  /** Open tunnels and registered endpoints. */
  stats(): { tunnels: number; endpoints: number };
  close(): Promise<void>;
}

/**
 * Starts a gateway.
 *
 * @example
 * ```ts
 * const gateway = await startGateway({
 *   domain: 'localhost',
 *   listen: { port: 8080 },
 *   chain: cachedChainReader({ reader: createChainReader({ client }) }),
 * });
 * // hosts: createTunnelClient({ gatewayUrl: gateway.url, keypair }); users: http://<service-id>.localhost:8080
 * ```
 */
export async function startGateway(parameters: StartGatewayParameters): Promise<Gateway> {
  const { chain, now = Date.now, tls, maxTunnels = 10_000, authMaxAgeMs = 60_000 } = parameters;
  const domain = parameters.domain.toLowerCase().replace(/\.$/, '');
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(domain))
    throw new NosanaError(
      'GATEWAY__INVALID_PARAMETERS',
      `"${parameters.domain}" is not a domain name; give the wildcard's base, e.g. node.example.com or localhost`,
      { field: 'domain', value: parameters.domain },
    );
  const scheme = tls ? 'https' : 'http';
  let publicPort = parameters.publicPort ?? 0;
  const portSuffix = () => (publicPort === (tls ? 443 : 80) ? '' : `:${publicPort}`);
  const serviceUrl = (id: string) => `${scheme}://${id}.${domain}${portSuffix()}`;

  const bus = createEventBus();
  let subscribers = 0;
  const registry = createRegistry({
    chain,
    bus,
    now,
    urlOf: serviceUrl,
    ...(parameters.health ? { health: parameters.health } : {}),
  });
  const sessions = new Set<TunnelSession>();
  let nextSession = 1;

  /** The service id and path a request addresses, or null for the gateway itself. */
  const resolveTarget = (request: IncomingMessage): { id: string; path: string } | null => {
    const host = (request.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
    const url = request.url ?? '/';
    if (host.endsWith(`.${domain}`)) {
      const label = host.slice(0, -domain.length - 1);
      if (label && !label.includes('.')) return { id: label, path: url };
    }
    const fallback = /^\/s\/([1-9A-HJ-NP-Za-km-z]{20,64})(\/.*)?$/s.exec(url);
    if (fallback) {
      const rest = fallback[2] ?? '/';
      return { id: fallback[1] as string, path: rest.startsWith('/') ? rest : `/${rest}` };
    }
    return null;
  };
  const forwarded = (request: IncomingMessage, path: string): ForwardedInfo => ({
    remoteAddress: request.socket.remoteAddress ?? '',
    proto: scheme,
    host: request.headers.host ?? '',
    path,
  });
  const notFound = (id: string) => ({
    error: 'unknown-service',
    message: `no service ${id} on this gateway: the job is not running, has not exposed this port yet, or the id is wrong`,
  });
  const starting = (id: string) => ({
    error: 'service-starting',
    status: 'starting',
    message: `service ${id} is starting: its health checks have not passed yet; retry shortly`,
  });

  async function onRequest(request: IncomingMessage, response: ServerResponse) {
    const target = resolveTarget(request);
    if (!target) return gatewayRoute(request, response);
    const route = registry.route(target.id);
    if (route.kind === 'unknown') return sendJson(response, 404, notFound(target.id));
    if (route.kind === 'starting')
      return sendJson(response, 503, starting(target.id), { 'retry-after': '1' });
    let stream: Duplex;
    try {
      stream = await route.endpoint.session.open(route.endpoint.ref);
    } catch {
      return sendJson(response, 502, {
        error: 'bad-gateway',
        message: `the host of ${target.id} did not connect`,
      });
    }
    proxyRequest(request, response, stream, forwarded(request, target.path));
  }

  function gatewayRoute(request: IncomingMessage, response: ServerResponse) {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/_gateway/events') {
      if (subscribers >= MAX_EVENT_SUBSCRIBERS)
        return sendJson(response, 503, { error: 'too-many-subscribers', message: 'retry later' });
      subscribers++;
      response.on('close', () => subscribers--);
      return serveEvents(bus, request, response);
    }
    if (request.method === 'GET' && path === '/_gateway/status')
      return sendJson(response, 200, { domain, tunnels: sessions.size, endpoints: registry.size() });
    sendJson(response, 404, {
      error: 'not-found',
      message: `address a service as <service-id>.${domain} or /s/<service-id>/…`,
    });
  }

  async function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => socket.destroy());
    const target = resolveTarget(request);
    if (!target) return acceptTunnel(request, socket, head);
    const route = registry.route(target.id);
    if (route.kind === 'unknown') return rejectUpgrade(socket, 404, notFound(target.id), 'Not Found');
    if (route.kind === 'starting')
      return rejectUpgrade(socket, 503, starting(target.id), 'Service Unavailable');
    try {
      const stream = await route.endpoint.session.open(route.endpoint.ref);
      proxyUpgrade(request, socket, head, stream, forwarded(request, target.path));
    } catch {
      rejectUpgrade(socket, 502, { error: 'bad-gateway' }, 'Bad Gateway');
    }
  }

  function acceptTunnel(request: IncomingMessage, socket: Duplex, head: Buffer) {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== TUNNEL_PATH || String(request.headers.upgrade).toLowerCase() !== TUNNEL_UPGRADE)
      return rejectUpgrade(socket, 404, { error: 'not-found' }, 'Not Found');
    if (sessions.size >= maxTunnels)
      return rejectUpgrade(socket, 503, { error: 'too-many-tunnels' }, 'Service Unavailable');
    const node = String(request.headers[NODE_HEADER] ?? '');
    try {
      verifyAuthHeader({
        header: request.headers.authorization,
        publicKey: new PublicKey(node),
        message: tunnelAuthMessage(node),
        maxAgeMs: authMaxAgeMs,
        now: now(),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'bad node address';
      return rejectUpgrade(socket, 401, { error: 'unauthorized', message: reason }, 'Unauthorized');
    }
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${TUNNEL_UPGRADE}\r\n\r\n`,
    );
    if (head.length) socket.unshift(head);
    (socket as Duplex & { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    const session = openTunnelSession({
      id: nextSession++,
      node,
      socket,
      onMessage: (s, message) => void registry.handle(s, message),
      onClose: (s) => {
        sessions.delete(s);
        registry.drop(s);
      },
    });
    sessions.add(session);
  }

  const options = { headersTimeout: 30_000, requestTimeout: 0, keepAliveTimeout: 65_000 };
  const server: Server = tls
    ? createHttpsServer({ ...options, cert: tls.cert, key: tls.key })
    : createHttpServer(options);
  server.on('request', (request, response) => void onRequest(request, response));
  server.on('upgrade', (request, socket, head) => void onUpgrade(request, socket, head));
  server.on('clientError', (_error, socket) => socket.destroy());
  const host = parameters.listen?.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new NosanaError(
          'GATEWAY__INVALID_PARAMETERS',
          `cannot listen on ${host}:${parameters.listen?.port ?? 0} (${error.message}); choose another --listen`,
          { field: 'listen', value: `${host}:${parameters.listen?.port ?? 0}` },
          { cause: error },
        ),
      ),
    );
    server.listen(parameters.listen?.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (!publicPort) publicPort = port;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      for (const session of [...sessions]) session.close();
      registry.close();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return {
    url: `${scheme}://${domain}${portSuffix()}`,
    port,
    domain,
    serviceUrl,
    subscribe: (listener) => bus.subscribe(listener),
    stats: () => ({ tunnels: sessions.size, endpoints: registry.size() }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
