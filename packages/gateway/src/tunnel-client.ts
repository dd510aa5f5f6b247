/**
 * The host's end of the tunnel: one outbound connection to the gateway (works behind NAT, no inbound port),
 * re-opened with exponential backoff when it drops, through which the host exposes its jobs' services.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import {
  createServer,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { createAuthHeader } from '@nosana/chain';
import { NosanaError } from '@nosana/core';
import type { Keypair } from '@solana/web3.js';
import { createHostStreamHandler } from './host-streams.js';
import {
  CONTROL_PATH,
  type GatewayMessage,
  H2_MAX_SESSION_MEMORY,
  H2_SESSION_WINDOW,
  H2_SETTINGS,
  type HostMessage,
  line,
  NODE_HEADER,
  REF_PATTERN,
  readMessages,
  TUNNEL_PATH,
  TUNNEL_UPGRADE,
  tunnelAuthMessage,
} from './protocol.js';
import {
  applyGatewayMessage,
  backoffDelay,
  badRefError,
  exposeMessage,
  type Registration,
} from './tunnel-control.js';
import './errors.js';
import { resetStream } from './h2-reset.js';

/** Parameters of {@link createTunnelClient}. */
export interface CreateTunnelClientParameters {
  /** The gateway, e.g. `https://node.example.com` or `http://localhost:8080`. */
  gatewayUrl: string;
  /** The node's Solana keypair: the gateway checks on chain that this address runs the jobs it exposes. */
  keypair: Keypair;
  /** Backoff between reconnection attempts: from `initialMs` (default 100), doubling up to `maxMs` (default 2000). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Ping period to detect a dead gateway (default 10 s). */
  pingMs?: number;
  /** Trust this CA for an HTTPS gateway (PEM), e.g. a localnet's own CA. */
  ca?: string | Buffer;
}

/** Parameters of `expose`. */
export interface ExposeParameters {
  /** Job address (base58). */
  job: string;
  /** The op's index in the definition. */
  opIndex: number;
  /** The port the definition exposes. */
  port: number;
  /** Where the service listens, as reachable from this host (e.g. the container's published port on 127.0.0.1). */
  targetHost: string;
  targetPort: number;
  /** For private ops: a random secret (≥ 32 chars) the private id derives from; keep it to get the same URL back. */
  secret?: string;
  /** A name for the registration ([a-z0-9-], default random). */
  ref?: string;
}

/** Parameters of `exposeApi`. */
export interface ExposeApiParameters {
  /** The node API's port, as the host serves it. */
  port: number;
  /** Where the API listens, as reachable from this host (e.g. 127.0.0.1). */
  targetHost: string;
  targetPort: number;
  /** A name for the registration ([a-z0-9-], default random). */
  ref?: string;
}

/** What the gateway answered to `expose`. */
export interface ExposeResult {
  ref: string;
  serviceId: string;
  url: string;
  /** The deployment's stable URL when the job belongs to one. */
  deploymentUrl: string | null;
  /** Withdraws the service from the gateway. */
  close(): void;
}

/** Something that happened to the tunnel or one of its services. */
export type TunnelEvent =
  | { type: 'connected' }
  | { type: 'disconnected'; reason: string }
  | { type: 'reconnecting'; attempt: number; delayMs: number }
  | { type: 'exposed'; ref: string; serviceId: string; url: string }
  | { type: 'refused'; ref: string; reason: string; message: string }
  | { type: 'online' | 'offline'; ref: string; reason?: string }
  | { type: 'unexposed'; ref: string; reason: string };

/** The host's tunnel. */
export interface TunnelClient {
  /** Asks the gateway to publish a service; resolves once it accepted (rejects with `GATEWAY__EXPOSE_REFUSED`). */
  expose(parameters: ExposeParameters): Promise<ExposeResult>;
  /**
   * Publishes this host's node API at `<node address>.<gateway domain>` (its `serviceId` is the node's address);
   * the gateway sends it requests with that name as Host, whatever name the user called.
   */
  exposeApi(parameters: ExposeApiParameters): Promise<ExposeResult>;
  /** Calls `listener` on every event; returns the unsubscribe function. */
  on(listener: (event: TunnelEvent) => void): () => void;
  readonly connected: boolean;
  /** Closes the tunnel for good. */
  close(): Promise<void>;
}

/**
 * Opens the tunnel (and keeps it open) to a gateway.
 *
 * @example
 * ```ts
 * const tunnel = createTunnelClient({ gatewayUrl: 'http://localhost:8080', keypair });
 * const { url } = await tunnel.expose({ job, opIndex: 0, port: 80, targetHost: '127.0.0.1', targetPort: 32768 });
 * const api = await tunnel.exposeApi({ port: 5101, targetHost: '127.0.0.1', targetPort: 5101 }); // <node>.<domain>
 * ```
 */
export function createTunnelClient(parameters: CreateTunnelClientParameters): TunnelClient {
  const registrations = new Map<string, Registration>();
  const listeners = new Set<(event: TunnelEvent) => void>();
  const emit = (event: TunnelEvent) => {
    for (const listener of [...listeners]) listener(event);
  };
  const send = (message: HostMessage) => {
    if (connection.control && !connection.control.destroyed) connection.control.write(line(message));
  };
  const withdraw = (ref: string) => {
    if (registrations.delete(ref)) send({ type: 'unexpose', ref });
  };
  const connection = createConnection(parameters, {
    emit,
    targetOf(ref) {
      const registration = registrations.get(ref);
      if (!registration) return undefined;
      return { host: registration.parameters.targetHost, port: registration.parameters.targetPort };
    },
    onControl(stream) {
      readMessages<GatewayMessage>(stream, (message) => {
        const event = applyGatewayMessage(registrations, message, withdraw);
        if (event) emit(event);
      });
      for (const registration of registrations.values()) send(exposeMessage(registration));
    },
  });
  const closedError = () =>
    new NosanaError('GATEWAY__TUNNEL_CLOSED', `the tunnel to ${parameters.gatewayUrl} is closed`, {
      gatewayUrl: parameters.gatewayUrl,
    });

  const register = (exposeParameters: ExposeParameters, nodeApi: boolean) => {
    const ref = exposeParameters.ref ?? `r${randomBytes(6).toString('hex')}`;
    if (connection.closed) return Promise.reject(closedError());
    if (!REF_PATTERN.test(ref) || registrations.has(ref))
      return Promise.reject(badRefError(ref, exposeParameters));
    return new Promise<ExposeResult>((resolve, reject) => {
      const registration: Registration = {
        parameters: { ...exposeParameters, ref },
        nodeApi,
        resolve,
        reject,
      };
      registrations.set(ref, registration);
      send(exposeMessage(registration));
    });
  };

  connection.dial();
  return {
    expose: (exposeParameters) => register(exposeParameters, false),
    exposeApi: (apiParameters) => register({ ...apiParameters, job: '', opIndex: -1 }, true),
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get connected() {
      return connection.control !== null;
    },
    async close() {
      if (connection.closed) return;
      connection.close();
      for (const registration of registrations.values()) registration.reject?.(closedError());
      registrations.clear();
    },
  };
}

/** What the connection needs from the client. */
interface ConnectionHooks {
  emit(event: TunnelEvent): void;
  /** The target of a registration (undefined: not registered by this host). */
  targetOf(ref: string): { host: string; port: number } | undefined;
  /** The gateway opened the control stream (the tunnel is up). */
  onControl(stream: ServerHttp2Stream): void;
}

/**
 * The tunnel's connection: dials the gateway, serves HTTP/2 over the upgraded socket, and re-dials with backoff
 * when it is lost. Each dial has a generation; events of an older connection are ignored.
 */
function createConnection(parameters: CreateTunnelClientParameters, hooks: ConnectionHooks) {
  const backoff = {
    initialMs: parameters.backoff?.initialMs ?? 100,
    maxMs: parameters.backoff?.maxMs ?? 2000,
  };
  const streams = createHostStreamHandler({ targetOf: hooks.targetOf });
  let session: Http2Session | null = null;
  let socket: Duplex | null = null;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;
  let generation = 0;
  const state = {
    control: null as ServerHttp2Stream | null,
    closed: false,
    dial,
    close() {
      state.closed = true;
      if (timer) clearTimeout(timer);
      state.control = null;
      session?.destroy();
      socket?.destroy();
      h2.close();
      streams.close();
    },
  };
  const h2 = createTunnelServer(parameters.pingMs ?? 10_000, {
    onSession(s) {
      const g = generation;
      session = s;
      s.on('close', () => lost(g, 'the tunnel closed'));
    },
    onControl(stream) {
      state.control = stream;
      attempt = 0;
      hooks.emit({ type: 'connected' });
      hooks.onControl(stream);
    },
    onStream: (stream, headers) => streams.handle(stream, headers),
  });

  function lost(g: number, reason: string) {
    if (g !== generation || (!state.control && !session && !socket)) return;
    const wasConnected = state.control !== null;
    state.control = null;
    // The session first, then its socket, both a turn later (see h2-reset.ts).
    const [lostSession, lostSocket] = [session, socket];
    setImmediate(() => {
      lostSession?.destroy();
      lostSocket?.destroy();
    });
    session = null;
    socket = null;
    if (wasConnected) hooks.emit({ type: 'disconnected', reason });
    scheduleReconnect();
  }
  function scheduleReconnect() {
    if (state.closed || timer) return;
    attempt++;
    const delayMs = backoffDelay(attempt, backoff);
    hooks.emit({ type: 'reconnecting', attempt, delayMs });
    timer = setTimeout(() => {
      timer = null;
      dial();
    }, delayMs);
  }
  function dial() {
    if (state.closed) return;
    const g = ++generation;
    dialTunnel(parameters, {
      onUpgrade(upgraded) {
        if (state.closed) return upgraded.destroy();
        socket = upgraded;
        upgraded.on('error', () => lost(g, 'the connection failed'));
        upgraded.on('close', () => lost(g, 'the connection closed'));
        h2.emit('connection', upgraded);
      },
      onFailure(reason) {
        hooks.emit({ type: 'disconnected', reason });
        scheduleReconnect();
      },
    });
  }
  return state;
}

/**
 * The host's HTTP/2 server (it serves the gateway's streams over the socket it dialled): pings to detect a dead
 * gateway, the control stream, and every other stream to `onStream`.
 */
function createTunnelServer(
  pingMs: number,
  handlers: {
    onSession(session: Http2Session): void;
    onControl(stream: ServerHttp2Stream): void;
    onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void;
  },
): Http2Server {
  // The gateway opens (and, when users abort, resets) one stream per request: allow it bursts of resets far above
  // Node's rapid-reset defaults (1000 burst, 33/s), meant for untrusted clients.
  const h2 = createServer({
    settings: H2_SETTINGS,
    maxSessionMemory: H2_MAX_SESSION_MEMORY,
    streamResetBurst: 100_000,
    streamResetRate: 10_000,
  } as Parameters<typeof createServer>[0]);
  h2.on('session', (s) => {
    s.setLocalWindowSize(H2_SESSION_WINDOW);
    s.on('error', () => s.destroy());
    const ping = setInterval(() => {
      if (!s.destroyed && !s.ping((error) => error && s.destroy())) s.destroy();
    }, pingMs);
    ping.unref();
    s.on('close', () => clearInterval(ping));
    handlers.onSession(s);
  });
  h2.on('stream', (stream, headers) => {
    if (headers[':method'] === 'POST' && headers[':path'] === CONTROL_PATH) {
      stream.on('error', () => resetStream(stream));
      stream.respond({ ':status': 200 });
      return handlers.onControl(stream);
    }
    handlers.onStream(stream, headers);
  });
  return h2;
}

/** Sends the signed upgrade request that opens a tunnel. */
function dialTunnel(
  parameters: CreateTunnelClientParameters,
  handlers: { onUpgrade(socket: Duplex): void; onFailure(reason: string): void },
) {
  const base = new URL(parameters.gatewayUrl);
  const node = parameters.keypair.publicKey.toBase58();
  const request = (base.protocol === 'https:' ? httpsRequest : httpRequest)(new URL(TUNNEL_PATH, base), {
    method: 'GET',
    headers: {
      connection: 'Upgrade',
      upgrade: TUNNEL_UPGRADE,
      [NODE_HEADER]: node,
      authorization: createAuthHeader(parameters.keypair, tunnelAuthMessage(node)),
    },
    ...(parameters.ca ? { ca: parameters.ca } : {}),
  });
  request.on('upgrade', (_response, upgraded, head) => {
    upgraded.setNoDelay?.(true);
    // Over TLS the socket negotiated no ALPN protocol (the Upgrade did the negotiation), and Node's HTTP/2 server
    // drops connections whose ALPN is not h2: say what the Upgrade agreed on.
    if ((upgraded as { encrypted?: boolean }).encrypted)
      (upgraded as unknown as { alpnProtocol: string }).alpnProtocol = 'h2';
    if (head.length) upgraded.unshift(head);
    handlers.onUpgrade(upgraded);
  });
  request.on('response', (response: IncomingMessage) => {
    response.resume();
    handlers.onFailure(`the gateway answered ${response.statusCode} to the tunnel request`);
  });
  request.on('error', (error) => handlers.onFailure(error.message));
  request.end();
}
