/**
 * HTTP doubles on 127.0.0.1 for the chain package's tests (a Kubo API, a gateway, a Pinata API, a JSON-RPC server):
 * each test starts what it needs with `serve`, and every server still open is closed after the test, so none leaks
 * into the next.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** A started double. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Closes it now (its connections too): its port then refuses connections. */
  close(): Promise<void>;
}

/**
 * Registers the after-each clean-up of the calling test file and returns its `serve`.
 *
 * @example
 * ```ts
 * const { serve } = loopbackServers();
 * const { url } = await serve((_, response) => response.end('{}'));
 * ```
 */
export function loopbackServers(): { serve(handler: RequestListener): Promise<LoopbackServer> } {
  const open = new Set<Server>();
  const close = async (server: Server) => {
    if (!open.delete(server)) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  afterEach(async () => {
    await Promise.all([...open].map(close));
  });
  return {
    async serve(handler) {
      const server = createServer(handler);
      open.add(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}`, port, close: () => close(server) };
    },
  };
}
