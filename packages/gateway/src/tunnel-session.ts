/**
 * The gateway's end of one host's tunnel: an HTTP/2 client session over the upgraded socket, its control
 * stream, and CONNECT streams to the host's exposed targets.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { type ClientHttp2Session, type ClientHttp2Stream, connect } from 'node:http2';
import type { Duplex } from 'node:stream';
import { destroyLater, resetStream } from './h2-reset.js';
import {
  CONTROL_PATH,
  type GatewayMessage,
  H2_MAX_SESSION_MEMORY,
  H2_SESSION_WINDOW,
  H2_SETTINGS,
  type HostMessage,
  line,
  REF_HEADER,
  readMessages,
} from './protocol.js';

/** One host's open tunnel, as the gateway uses it. */
export interface TunnelSession {
  /** Unique within this gateway process. */
  id: number;
  /** The host's address (base58). */
  node: string;
  /** Sends a control message to the host. */
  send(message: GatewayMessage): void;
  /** Opens a byte stream to the target of registration `ref` (resolves once the host has connected to it). */
  open(ref: string, timeoutMs?: number): Promise<Duplex>;
  /**
   * Sends one HTTP request (pseudo-headers included) to the target of registration `ref`; the host answers with
   * the service's response on the returned stream. Throws when the tunnel is closed.
   */
  request(ref: string, headers: OutgoingHttpHeaders): ClientHttp2Stream;
  /** Ends the tunnel. */
  close(): void;
  readonly closed: boolean;
}

/** Parameters of {@link openTunnelSession}. */
export interface OpenTunnelSessionParameters {
  id: number;
  node: string;
  /** The upgraded socket (after `101 Switching Protocols` was written). */
  socket: Duplex;
  onMessage(session: TunnelSession, message: HostMessage): void;
  onClose(session: TunnelSession): void;
  /** Ping period (ms) to detect a dead host (default 10 s). */
  pingMs?: number;
}

/**
 * Starts the HTTP/2 session over an upgraded socket and opens the control stream.
 *
 * @example
 * ```ts
 * const session = openTunnelSession({ id: 1, node, socket, onMessage, onClose });
 * const stream = await session.open('web-0');
 * ```
 */
export function openTunnelSession({
  id,
  node,
  socket,
  onMessage,
  onClose,
  pingMs = 10_000,
}: OpenTunnelSessionParameters): TunnelSession {
  const h2: ClientHttp2Session = connect('http://nosana-tunnel', {
    createConnection: () => socket,
    settings: H2_SETTINGS,
    maxSessionMemory: H2_MAX_SESSION_MEMORY,
  });
  let closed = false;
  const control = h2.request({ ':method': 'POST', ':path': CONTROL_PATH }, { endStream: false });
  const session: TunnelSession = {
    id,
    node,
    send(message) {
      if (!closed && !control.destroyed) control.write(line(message));
    },
    open(ref, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        if (closed) return reject(new Error('tunnel closed'));
        const stream = h2.request({ ':method': 'CONNECT', ':authority': `${ref}:80` });
        const timer = setTimeout(() => {
          resetStream(stream);
          reject(new Error(`the host did not connect to ${ref} within ${timeoutMs} ms`));
        }, timeoutMs);
        stream.once('response', (headers) => {
          clearTimeout(timer);
          if (headers[':status'] === 200) resolve(stream);
          else {
            resetStream(stream);
            reject(new Error(`the host could not connect to ${ref} (status ${headers[':status']})`));
          }
        });
        stream.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        stream.once('close', () => {
          clearTimeout(timer);
          reject(new Error('stream closed'));
        });
      });
    },
    request(ref, headers) {
      if (closed) throw new Error('tunnel closed');
      return h2.request({ ...headers, [REF_HEADER]: ref });
    },
    close() {
      finish();
      destroyLater(h2);
    },
    get closed() {
      return closed;
    },
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    onClose(session);
  };
  h2.on('connect', () => h2.setLocalWindowSize(H2_SESSION_WINDOW));
  control.on('response', (headers) => {
    if (headers[':status'] !== 200) session.close();
  });
  readMessages<HostMessage>(control, (message) => onMessage(session, message));
  control.on('close', () => session.close());
  control.on('error', () => session.close());
  h2.on('error', () => session.close());
  h2.on('close', finish);
  socket.on('close', () => session.close());
  // The host hung up (its process ended, or it closed the tunnel). The gateway's HTTP server keeps sockets half-open
  // (`allowHalfOpen`), so without this the end of the host's side is seen only when the next ping fails.
  socket.on('end', () => session.close());
  const ping = setInterval(() => {
    if (!h2.destroyed && !h2.ping((error) => error && session.close())) session.close();
  }, pingMs);
  ping.unref();
  return session;
}
