/**
 * A TCP proxy on loopback in front of a service (the localnet's RPC, its WebSocket, its IPFS API) that a test can
 * cut, slow down or corrupt, to see what the node does during an outage.
 */
import { createServer, type Server, Socket } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';

/** What the proxy does to traffic. */
export type FaultMode =
  | { kind: 'pass' }
  /** Open connections are reset and new ones refused (closed at once). */
  | { kind: 'cut' }
  /** Every chunk is held back this long. */
  | { kind: 'slow'; delayMs: number }
  /** Bytes of answers are flipped (one in `every`). */
  | { kind: 'corrupt'; every: number };

export interface FaultProxy {
  /** URL of the proxy with the target's scheme and path (e.g. http://127.0.0.1:<port>). */
  url: string;
  set(mode: FaultMode): void;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * Starts a proxy for `target` (an http:// or ws:// URL on loopback).
 *
 * @example
 * ```ts
 * const rpc = await startFaultProxy(localnet.rpcUrl);
 * rpc.set({ kind: 'cut' });
 * ```
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const to = new URL(target);
  let mode: FaultMode = { kind: 'pass' };
  let accepted = 0;
  const open = new Set<Socket>();
  const corrupter = () => {
    let count = 0;
    return new Transform({
      transform(chunk: Buffer, _encoding, callback: TransformCallback) {
        if (mode.kind === 'corrupt') {
          const copy = Buffer.from(chunk);
          for (let i = 0; i < copy.length; i++)
            if (++count % (mode as { every: number }).every === 0) copy[i]! ^= 0x5a;
          return callback(null, copy);
        }
        if (mode.kind === 'slow') {
          const delay = mode.delayMs;
          // A held-back chunk, not a test waiting: the proxy's job is to be slow.
          setTimeout(() => callback(null, chunk), delay);
          return;
        }
        callback(null, chunk);
      },
    });
  };
  const server: Server = createServer((client) => {
    accepted++;
    if (mode.kind === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const upstream = new Socket();
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.connect(Number(to.port), to.hostname, () => {
      client.pipe(upstream);
      upstream.pipe(corrupter()).pipe(client);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${to.protocol}//127.0.0.1:${port}${to.pathname === '/' ? '' : to.pathname}`,
    set(next) {
      mode = next;
      if (next.kind === 'cut') for (const socket of open) socket.resetAndDestroy();
    },
    connections: () => accepted,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
