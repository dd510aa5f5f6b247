/**
 * The tunnel protocol between hosts and the gateway, shared by both ends.
 *
 * A host opens an outbound HTTP/1.1 request to `TUNNEL_PATH` with `Upgrade: nosana-tunnel/1`, signed with its
 * Solana key. After `101 Switching Protocols` the socket carries one HTTP/2 connection in which the roles are
 * reversed: the gateway is the HTTP/2 client and the host the server. The gateway opens
 * - one `POST /control` stream: newline-delimited JSON messages both ways (expose requests — a job's port, or the
 *   host's node API —, answers, status);
 * - one request stream per user HTTP request (its method and path, the `x-nosana-ref` header naming the
 *   registration): the host forwards it to the target over pooled keep-alive connections and answers with the
 *   service's response;
 * - one `CONNECT <ref>:80` stream per upgraded connection (WebSocket) and connection probe: raw bytes to the
 *   exposed target of registration `ref`.
 * HTTP/2 (nghttp2, built into Node) does the multiplexing and per-stream flow control.
 */
import type { Readable } from 'node:stream';

/** The gateway path hosts open their tunnel on. */
export const TUNNEL_PATH = '/_gateway/tunnel';
/** The `Upgrade` token of the tunnel. */
export const TUNNEL_UPGRADE = 'nosana-tunnel/1';
/** Header carrying the host's address (base58 ed25519 public key). */
export const NODE_HEADER = 'x-nosana-node';
/** The message a host signs (with `createAuthHeader` of `@nosana/chain`) to open a tunnel. */
export const tunnelAuthMessage = (node: string) => `nosana-gateway-tunnel:${node}`;
/** The control stream's path. */
export const CONTROL_PATH = '/control';
/** Longest control message accepted (bytes). */
export const MAX_CONTROL_LINE = 64 * 1024;

/** The header of a forwarded request stream that names the registration (gateway → host). */
export const REF_HEADER = 'x-nosana-ref';

/**
 * HTTP/2 settings of both ends: large windows so one stream can carry hundreds of MB/s, and frames of up to
 * 256 KiB (RFC 9113 allows up to 16 MiB) so bulk data costs fewer frames.
 */
export const H2_SETTINGS = {
  initialWindowSize: 4 * 1024 * 1024,
  maxConcurrentStreams: 2000,
  maxFrameSize: 256 * 1024,
};
/** Connection-level receive window (bytes). */
export const H2_SESSION_WINDOW = 32 * 1024 * 1024;
/** Memory an HTTP/2 session may use before it is refused new streams (MB). */
export const H2_MAX_SESSION_MEMORY = 128;

/** Connection-specific (hop-by-hop) headers: never forwarded, and forbidden in HTTP/2 (RFC 9113 §8.2.2). */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
  'http2-settings',
]);

/** A registration ref chosen by the host: short, safe as a host-name label. */
export const REF_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Host → gateway. `expose-api` publishes the host's own node API under the host's address
 * (`<node address>.<domain>`): the tunnel's signature already proves the address, so no job is involved.
 */
export type HostMessage =
  | { type: 'expose'; ref: string; job: string; opIndex: number; port: number; secret?: string }
  | { type: 'expose-api'; ref: string; port: number }
  | { type: 'unexpose'; ref: string };

/** Gateway → host. */
export type GatewayMessage =
  | { type: 'exposed'; ref: string; serviceId: string; url: string; deploymentUrl: string | null }
  | { type: 'refused'; ref: string; reason: string; message: string }
  | { type: 'status'; ref: string; status: 'online' | 'offline'; reason?: string }
  | { type: 'unexposed'; ref: string; reason: string };

/**
 * Reads newline-delimited JSON from a stream and calls `onMessage` for each message; a line over
 * {@link MAX_CONTROL_LINE} or that is not JSON destroys the stream.
 *
 * @example
 * ```ts
 * readMessages<HostMessage>(stream, (message) => handle(message));
 * ```
 */
export function readMessages<T>(stream: Readable, onMessage: (message: T) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) {
        let message: T;
        try {
          message = JSON.parse(line) as T;
        } catch {
          stream.destroy(new Error('control stream: a message is not JSON'));
          return;
        }
        onMessage(message);
      }
      newline = buffered.indexOf('\n');
    }
    if (buffered.length > MAX_CONTROL_LINE) stream.destroy(new Error('control stream: message too long'));
  });
}

/** One control message as a line. */
export const line = (message: HostMessage | GatewayMessage) => `${JSON.stringify(message)}\n`;
