/**
 * The host's end of the tunnel: one outbound connection to the gateway (works behind NAT, no inbound port),
 * re-opened with exponential backoff when it drops, through which the host exposes its jobs' services.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createServer, type Http2Session, type ServerHttp2Stream } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { createAuthHeader } from '@nosana/chain';
import { NosanaError } from '@nosana/core';
import type { Keypair } from '@solana/web3.js';
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
import './errors.js';

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
  /** Calls `listener` on every event; returns the unsubscribe function. */
  on(listener: (event: TunnelEvent) => void): () => void;
  readonly connected: boolean;
  /** Closes the tunnel for good. */
  close(): Promise<void>;
}

interface Registration {
  parameters: ExposeParameters & { ref: string };
  resolve?: (result: ExposeResult) => void;
  reject?: (error: unknown) => void;
}

/**
 * Opens the tunnel (and keeps it open) to a gateway.
 *
 * @example
 * ```ts
 * const tunnel = createTunnelClient({ gatewayUrl: 'http://localhost:8080', keypair });
 * const { url } = await tunnel.expose({ job, opIndex: 0, port: 80, targetHost: '127.0.0.1', targetPort: 32768 });
 * ```
 */
export function createTunnelClient(parameters: CreateTunnelClientParameters): TunnelClient {
  const { keypair, pingMs = 10_000 } = parameters;
  const initialMs = parameters.backoff?.initialMs ?? 100;
  const maxMs = parameters.backoff?.maxMs ?? 2000;
  const base = new URL(parameters.gatewayUrl);
  const node = keypair.publicKey.toBase58();
  const registrations = new Map<string, Registration>();
  const listeners = new Set<(event: TunnelEvent) => void>();
  const emit = (event: TunnelEvent) => {
    for (const listener of [...listeners]) listener(event);
  };
  let control: ServerHttp2Stream | null = null;
  let session: Http2Session | null = null;
  let socket: Duplex | null = null;
  let closed = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;
  // Each connection attempt has a generation; events of an older connection are ignored.
  let generation = 0;

  // The gateway opens (and, on aborted requests, resets) one stream per user connection: allow it bursts of
  // resets far above Node's rapid-reset defaults (1000 burst, 33/s), meant for untrusted clients.
  const h2 = createServer({
    settings: H2_SETTINGS,
    maxSessionMemory: H2_MAX_SESSION_MEMORY,
    streamResetBurst: 100_000,
    streamResetRate: 10_000,
  } as Parameters<typeof createServer>[0]);
  h2.on('session', (s) => {
    const g = generation;
    session = s;
    s.setLocalWindowSize(H2_SESSION_WINDOW);
    s.on('error', () => s.destroy());
    s.on('close', () => lost(g, 'the tunnel closed'));
    const ping = setInterval(() => {
      if (!s.destroyed && !s.ping((error) => error && s.destroy())) s.destroy();
    }, pingMs);
    ping.unref();
    s.on('close', () => clearInterval(ping));
  });
  h2.on('stream', (stream, headers) => {
    stream.on('error', () => stream.destroy());
    if (headers[':method'] === 'POST' && headers[':path'] === CONTROL_PATH) return openControl(stream);
    if (headers[':method'] !== 'CONNECT') return stream.respond({ ':status': 405 }, { endStream: true });
    const ref = String(headers[':authority'] ?? '').replace(/:\d+$/, '');
    const registration = registrations.get(ref);
    if (!registration) return stream.respond({ ':status': 404 }, { endStream: true });
    const { targetHost, targetPort } = registration.parameters;
    const target = connect({ host: targetHost, port: targetPort, noDelay: true });
    target.once('connect', () => {
      stream.respond({ ':status': 200 });
      stream.pipe(target);
      target.pipe(stream);
    });
    target.on('error', () => {
      if (!stream.headersSent) stream.respond({ ':status': 502 }, { endStream: true });
      stream.destroy();
    });
    target.on('close', () => {
      if (!stream.writableEnded) stream.destroy();
    });
    stream.on('close', () => target.destroy());
  });

  function openControl(stream: ServerHttp2Stream) {
    stream.respond({ ':status': 200 });
    control = stream;
    attempt = 0;
    emit({ type: 'connected' });
    readMessages<GatewayMessage>(stream, onMessage);
    for (const registration of registrations.values()) send({ type: 'expose', ...wire(registration) });
  }
  const wire = ({ parameters: p }: Registration) => ({
    ref: p.ref,
    job: p.job,
    opIndex: p.opIndex,
    port: p.port,
    ...(p.secret ? { secret: p.secret } : {}),
  });
  const send = (message: HostMessage) => {
    if (control && !control.destroyed) control.write(line(message));
  };

  function onMessage(message: GatewayMessage) {
    const registration = registrations.get(message.ref);
    if (!registration) return;
    if (message.type === 'exposed') {
      const result: ExposeResult = {
        ref: message.ref,
        serviceId: message.serviceId,
        url: message.url,
        deploymentUrl: message.deploymentUrl,
        close: () => withdraw(message.ref),
      };
      registration.resolve?.(result);
      registration.resolve = registration.reject = undefined;
      emit({ type: 'exposed', ref: message.ref, serviceId: message.serviceId, url: message.url });
    } else if (message.type === 'refused') {
      registrations.delete(message.ref);
      const { job, opIndex, port } = registration.parameters;
      registration.reject?.(
        new NosanaError(
          'GATEWAY__EXPOSE_REFUSED',
          `the gateway refused to expose port ${port} of op ${opIndex} of job ${job}: ${message.message}`,
          { job, opIndex, port, reason: message.reason as never },
        ),
      );
      emit({ type: 'refused', ref: message.ref, reason: message.reason, message: message.message });
    } else if (message.type === 'status') {
      emit({ type: message.status, ref: message.ref, ...(message.reason ? { reason: message.reason } : {}) });
    } else if (message.type === 'unexposed') {
      // The job ended (or the endpoint was replaced): nothing to re-register.
      if (message.reason === 'job-ended') registrations.delete(message.ref);
      emit({ type: 'unexposed', ref: message.ref, reason: message.reason });
    }
  }

  function withdraw(ref: string) {
    if (registrations.delete(ref)) send({ type: 'unexpose', ref });
  }

  function lost(g: number, reason: string) {
    if (g !== generation || (!control && !session && !socket)) return;
    const wasConnected = control !== null;
    control = null;
    session?.destroy();
    session = null;
    socket?.destroy();
    socket = null;
    if (wasConnected) emit({ type: 'disconnected', reason });
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (closed || timer) return;
    attempt++;
    const delayMs = Math.round(Math.min(maxMs, initialMs * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4));
    emit({ type: 'reconnecting', attempt, delayMs });
    timer = setTimeout(() => {
      timer = null;
      dial();
    }, delayMs);
  }

  function dial() {
    if (closed) return;
    const g = ++generation;
    const request = (base.protocol === 'https:' ? httpsRequest : httpRequest)(new URL(TUNNEL_PATH, base), {
      method: 'GET',
      headers: {
        connection: 'Upgrade',
        upgrade: TUNNEL_UPGRADE,
        [NODE_HEADER]: node,
        authorization: createAuthHeader(keypair, tunnelAuthMessage(node)),
      },
      ...(parameters.ca ? { ca: parameters.ca } : {}),
    });
    request.on('upgrade', (_response, upgraded, head) => {
      if (closed) return upgraded.destroy();
      socket = upgraded;
      upgraded.setNoDelay?.(true);
      upgraded.on('error', () => lost(g, 'the connection failed'));
      upgraded.on('close', () => lost(g, 'the connection closed'));
      if (head.length) upgraded.unshift(head);
      h2.emit('connection', upgraded);
    });
    request.on('response', (response: IncomingMessage) => {
      response.resume();
      emit({
        type: 'disconnected',
        reason: `the gateway answered ${response.statusCode} to the tunnel request`,
      });
      scheduleReconnect();
    });
    request.on('error', (error) => {
      emit({ type: 'disconnected', reason: error.message });
      scheduleReconnect();
    });
    request.end();
  }

  dial();
  return {
    expose(exposeParameters) {
      const ref = exposeParameters.ref ?? `r${randomBytes(6).toString('hex')}`;
      if (closed) return Promise.reject(closedError());
      if (!REF_PATTERN.test(ref) || registrations.has(ref))
        return Promise.reject(
          new NosanaError(
            'GATEWAY__EXPOSE_REFUSED',
            `ref "${ref}" is malformed or already used; use [a-z0-9-]`,
            {
              job: exposeParameters.job,
              opIndex: exposeParameters.opIndex,
              port: exposeParameters.port,
              reason: 'bad-request',
            },
          ),
        );
      return new Promise<ExposeResult>((resolve, reject) => {
        const registration: Registration = { parameters: { ...exposeParameters, ref }, resolve, reject };
        registrations.set(ref, registration);
        send({ type: 'expose', ...wire(registration) });
      });
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get connected() {
      return control !== null;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      for (const registration of registrations.values()) registration.reject?.(closedError());
      registrations.clear();
      control = null;
      session?.destroy();
      socket?.destroy();
      h2.close();
    },
  };

  function closedError() {
    return new NosanaError('GATEWAY__TUNNEL_CLOSED', `the tunnel to ${parameters.gatewayUrl} is closed`, {
      gatewayUrl: parameters.gatewayUrl,
    });
  }
}
