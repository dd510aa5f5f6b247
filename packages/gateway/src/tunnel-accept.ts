/**
 * The gateway's side of a tunnel's opening: checks the upgrade request (path, protocol, the host's signature)
 * and switches the socket to the tunnel protocol.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { verifyAuthHeader } from '@nosana/chain';
import { PublicKey } from '@solana/web3.js';
import { NODE_HEADER, TUNNEL_PATH, TUNNEL_UPGRADE, tunnelAuthMessage } from './protocol.js';

/** Why a tunnel request is refused (an HTTP status and a JSON body), or the host's address when accepted. */
export type TunnelAdmission =
  | { ok: true; node: string }
  | { ok: false; status: number; reason: string; body: { error: string; message?: string } };

/** Parameters of {@link admitTunnel}. */
export interface AdmitTunnelParameters {
  /** Tunnels open now, and the most allowed. */
  open: number;
  maxTunnels: number;
  /** How old a signature may be (ms), and the clock. */
  authMaxAgeMs: number;
  now: number;
}

/**
 * Decides whether an upgrade request opens a tunnel: the tunnel path and protocol, room for one more, and a
 * valid signature of the node named in `x-nosana-node`.
 *
 * @example
 * ```ts
 * const admission = admitTunnel(request, { open: 0, maxTunnels: 10, authMaxAgeMs: 60_000, now: Date.now() });
 * ```
 */
export function admitTunnel(
  request: Pick<IncomingMessage, 'url' | 'headers'>,
  { open, maxTunnels, authMaxAgeMs, now }: AdmitTunnelParameters,
): TunnelAdmission {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== TUNNEL_PATH || String(request.headers.upgrade).toLowerCase() !== TUNNEL_UPGRADE)
    return { ok: false, status: 404, reason: 'Not Found', body: { error: 'not-found' } };
  if (open >= maxTunnels)
    return { ok: false, status: 503, reason: 'Service Unavailable', body: { error: 'too-many-tunnels' } };
  const node = String(request.headers[NODE_HEADER] ?? '');
  try {
    verifyAuthHeader({
      header: request.headers.authorization,
      publicKey: new PublicKey(node),
      message: tunnelAuthMessage(node),
      maxAgeMs: authMaxAgeMs,
      now,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : 'bad node address';
    return { ok: false, status: 401, reason: 'Unauthorized', body: { error: 'unauthorized', message } };
  }
  return { ok: true, node };
}

/**
 * Answers `101 Switching Protocols` on an admitted tunnel request, and calls `ready` once that answer is written:
 * HTTP/2 may take the socket over only then (over TLS, Node's HTTP/2 session must not inherit a write in
 * progress).
 *
 * @example
 * ```ts
 * switchToTunnel(socket, head, () => openTunnelSession({ socket, ... }));
 * ```
 */
export function switchToTunnel(socket: Duplex, head: Buffer, ready: () => void): void {
  (socket as Duplex & { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  const answer = `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${TUNNEL_UPGRADE}\r\n\r\n`;
  socket.write(answer, (error) => {
    if (error || socket.destroyed) return socket.destroy();
    if (head.length) socket.unshift(head);
    ready();
  });
}
