/**
 * The gateway server: one HTTP(S) port for everybody. Public requests are routed by Host
 * (`<service-id>.<domain>`) or by path (`/s/<service-id>/…`) to a healthy endpoint and forwarded through that
 * host's tunnel; hosts open their tunnels on the same port (`/_gateway/tunnel`); events are served at
 * `/_gateway/events`.
 */
import type { ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Server as TlsServer } from 'node:tls';
import { NosanaError } from '@nosana/core';
import type { GatewayChainReader } from './chain-reader.js';
import {
  createEventBus,
  type EventBus,
  type GatewayEvent,
  MAX_EVENT_SUBSCRIBERS,
  serveEvents,
} from './events.js';
import {
  type ForwardedInfo,
  forwardRequest,
  isExtendedConnect,
  proxyExtendedConnect,
  proxyUpgrade,
  rejectUpgrade,
  sendJson,
  type UserRequest,
  type UserResponse,
} from './proxy.js';
import { createRegistry, type Endpoint, type HealthTiming, type Registry } from './registry.js';
import {
  normalizeDomain,
  notFoundBody,
  portSuffix,
  resolveTarget,
  serviceUrlOf,
  startingBody,
} from './routing.js';
import { admitTunnel, switchToTunnel } from './tunnel-accept.js';
import { openTunnelSession, type TunnelSession } from './tunnel-session.js';
import { createUserServer, listenOn, type UserServerTls } from './user-server.js';
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
  /**
   * Serve HTTPS with this certificate (PEM; a wildcard certificate for `*.<domain>`, e.g. from
   * `ensureLocalCa`). Users get HTTP/2 or HTTP/1.1 by ALPN unless `http2: false`.
   */
  tls?: UserServerTls;
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
  /**
   * Serves new TLS connections with another certificate (a renewed one); open connections keep theirs.
   * `GATEWAY__INVALID_PARAMETERS` on a gateway without TLS.
   */
  setCertificate(certificate: { cert: string | Buffer; key: string | Buffer }): void;
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
  const { chain, now = Date.now, tls } = parameters;
  const domain = normalizeDomain(parameters.domain);
  const scheme = tls ? 'https' : 'http';
  let publicPort = parameters.publicPort ?? 0;
  const serviceUrl = (id: string) => serviceUrlOf({ scheme, domain, port: publicPort })(id);
  const bus = createEventBus();
  const registry = createRegistry({
    chain,
    bus,
    now,
    urlOf: serviceUrl,
    ...(parameters.health ? { health: parameters.health } : {}),
  });
  const sessions = new Set<TunnelSession>();
  const handlers = createHandlers({ parameters, domain, scheme, bus, registry, sessions, now });
  const server = createUserServer(tls);
  server.on(
    'request',
    (request: UserRequest, response: UserResponse) => void handlers.onRequest(request, response),
  );
  // HTTP/2 CONNECT (a WebSocket by RFC 8441) comes as `connect`; an HTTP/1.1 CONNECT (a raw socket) is refused.
  server.on('connect', (request: UserRequest, response: UserResponse | Duplex) => {
    if (!('writeHead' in response)) return void (response as Duplex).destroy();
    if (!isExtendedConnect(request))
      return sendJson(response, 405, {
        error: 'method-not-allowed',
        message: 'CONNECT opens WebSockets only (:protocol websocket, RFC 8441)',
      });
    handlers.onRequest(request, response);
  });
  server.on(
    'upgrade',
    (request: UserRequest, socket: Duplex, head: Buffer) => void handlers.onUpgrade(request, socket, head),
  );
  const host = parameters.listen?.host ?? '127.0.0.1';
  const port = await listenOn(server, host, parameters.listen?.port ?? 0);
  if (!publicPort) publicPort = port;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= closeGateway(server, sessions, registry);
    return closing;
  };
  return {
    url: `${scheme}://${domain}${portSuffix(scheme, publicPort)}`,
    port,
    domain,
    serviceUrl,
    subscribe: (listener) => bus.subscribe(listener),
    stats: () => ({ tunnels: sessions.size, endpoints: registry.size() }),
    setCertificate(certificate) {
      if (!tls)
        throw new NosanaError(
          'GATEWAY__INVALID_PARAMETERS',
          'this gateway serves plain HTTP: it has no certificate to replace',
          {
            field: 'tls',
          },
        );
      (server as unknown as TlsServer).setSecureContext({ cert: certificate.cert, key: certificate.key });
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function closeGateway(server: Server, sessions: Set<TunnelSession>, registry: Registry): Promise<void> {
  return new Promise<void>((resolve) => {
    for (const session of [...sessions]) session.close();
    registry.close();
    server.close(() => resolve());
    (server as Server & { destroyAllSockets(): void }).destroyAllSockets();
  });
}

interface HandlerContext {
  parameters: StartGatewayParameters;
  domain: string;
  scheme: 'http' | 'https';
  bus: EventBus;
  registry: Registry;
  sessions: Set<TunnelSession>;
  now: () => number;
}

/** The gateway's request and upgrade handlers: services, the gateway's own paths, and tunnels. */
function createHandlers({ parameters, domain, scheme, bus, registry, sessions, now }: HandlerContext) {
  const { maxTunnels = 10_000, authMaxAgeMs = 60_000 } = parameters;
  let subscribers = 0;
  let nextSession = 1;
  const hostOf = (request: UserRequest) =>
    String(request.headers.host ?? request.headers[':authority'] ?? '');
  const targetOf = (request: UserRequest) => resolveTarget(hostOf(request), request.url ?? '/', domain);
  const forwarded = (request: UserRequest, path: string, endpoint: Endpoint): ForwardedInfo => ({
    remoteAddress: request.socket?.remoteAddress ?? '',
    proto: scheme,
    host: hostOf(request),
    path,
    // A node API answers only to the names it knows: its gateway name, whatever the user called (path fallback).
    ...(endpoint.kind === 'node-api' ? { authority: `${endpoint.serviceId.toLowerCase()}.${domain}` } : {}),
  });

  function gatewayRoute(request: UserRequest, response: UserResponse) {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/_gateway/events') {
      if (subscribers >= MAX_EVENT_SUBSCRIBERS)
        return sendJson(response, 503, { error: 'too-many-subscribers', message: 'retry later' });
      subscribers++;
      response.on('close', () => subscribers--);
      // the HTTP/2 compatibility response has the same writeHead/write/on
      return serveEvents(bus, request, response as ServerResponse);
    }
    if (request.method === 'GET' && path === '/_gateway/status')
      return sendJson(response, 200, { domain, tunnels: sessions.size, endpoints: registry.size() });
    sendJson(response, 404, {
      error: 'not-found',
      message: `address a service as <service-id>.${domain} or /s/<service-id>/…`,
    });
  }

  function acceptTunnel(request: UserRequest, socket: Duplex, head: Buffer) {
    const admission = admitTunnel(request, { open: sessions.size, maxTunnels, authMaxAgeMs, now: now() });
    if (!admission.ok) return rejectUpgrade(socket, admission.status, admission.body, admission.reason);
    switchToTunnel(socket, head, () => {
      const session = openTunnelSession({
        id: nextSession++,
        node: admission.node,
        socket,
        onMessage: (s, message) => void registry.handle(s, message),
        onClose: (s) => {
          sessions.delete(s);
          registry.drop(s);
        },
      });
      sessions.add(session);
    });
  }

  return {
    onRequest(request: UserRequest, response: UserResponse) {
      const target = targetOf(request);
      if (!target) return gatewayRoute(request, response);
      const route = registry.route(target.id);
      if (route.kind === 'unknown') return sendJson(response, 404, notFoundBody(target.id));
      if (route.kind === 'starting')
        return sendJson(response, 503, startingBody(target.id), { 'retry-after': '1' });
      const { session, ref } = route.endpoint;
      if (isExtendedConnect(request)) {
        // A WebSocket over HTTP/2: the service gets an HTTP/1.1 upgrade through the tunnel.
        session.open(ref).then(
          (stream) => proxyExtendedConnect(request, stream, forwarded(request, target.path, route.endpoint)),
          () => sendJson(response, 502, { error: 'bad-gateway' }),
        );
        return;
      }
      forwardRequest(
        request,
        response,
        (headers) => session.request(ref, headers),
        forwarded(request, target.path, route.endpoint),
      );
    },
    async onUpgrade(request: UserRequest, socket: Duplex, head: Buffer) {
      socket.on('error', () => socket.destroy());
      const target = targetOf(request);
      if (!target) return acceptTunnel(request, socket, head);
      const route = registry.route(target.id);
      if (route.kind === 'unknown') return rejectUpgrade(socket, 404, notFoundBody(target.id), 'Not Found');
      if (route.kind === 'starting')
        return rejectUpgrade(socket, 503, startingBody(target.id), 'Service Unavailable');
      try {
        const stream = await route.endpoint.session.open(route.endpoint.ref);
        proxyUpgrade(request, socket, head, stream, forwarded(request, target.path, route.endpoint));
      } catch {
        rejectUpgrade(socket, 502, { error: 'bad-gateway' }, 'Bad Gateway');
      }
    },
  };
}
