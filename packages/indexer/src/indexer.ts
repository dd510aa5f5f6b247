/** Composes the indexer: database, chain follower and HTTP API in one process. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKuboStore, PROGRAM_ADDRESSES } from '@nosana/chain';
import { NosanaError } from '@nosana/core';
import { explorerPreloads, explorerRoot } from '@nosana/explorer';
import { createApiHandler } from './api.js';
import { createJobContent } from './content.js';
import './errors.js';
import { createFollower, type Follower } from './follower.js';
import { createNodeSpecsSource, type NodeApiLocator } from './node-info.js';
import { type Change, type IndexerStore, openStore } from './store.js';

/** Parameters of {@link startIndexer}. */
export interface StartIndexerParameters {
  rpcUrl: string;
  wsUrl: string;
  /** SQLite file (created if missing), or `:memory:`. */
  dbPath: string;
  /** `host:port` or a port for the HTTP API (default `127.0.0.1:8090`; port 0 picks a free one). */
  listen?: string | number;
  /** Program ids; default: the mainnet build's (which the localnet also uses). */
  programs?: { jobs?: string };
  /** Directory of the explorer's files; default: the `@nosana/explorer` build, when present; null: none. */
  webRoot?: string | null;
  /** Kubo-compatible IPFS API the explorer reads jobs' definitions and results through (none: not shown). */
  ipfsUrl?: string;
  /**
   * Where nodes' APIs are, to show their hardware (`/node/info`): a URL template (`{node}` is the node's address,
   * e.g. `https://{node}.node.example.com`), one URL (a single node, e.g. the localnet's `http://127.0.0.1:5101`),
   * or a function. None: no hardware is shown.
   */
  nodeApi?: NodeApiLocator;
  /** Diagnostics. */
  log?: (message: string) => void;
}

/** A running indexer. */
export interface Indexer extends AsyncDisposable {
  /** Base URL of the API, e.g. `http://127.0.0.1:8090`. */
  url: string;
  store: IndexerStore;
  follower: Follower;
  /** Resolves once the first backfill is done. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * The explorer web app the indexer serves by default: `@nosana/explorer`'s build, when it was built.
 *
 * @example
 * ```ts
 * defaultWebRoot(); // '/…/@nosana/explorer/dist/web'
 * ```
 */
export function defaultWebRoot(): string | undefined {
  return explorerRoot();
}

function parseListen(listen: string | number): { host: string; port: number } {
  if (typeof listen === 'number') return { host: '127.0.0.1', port: listen };
  const match = /^(?:\[?([^\]]*)\]?:)?(\d{1,5})$/.exec(listen);
  if (!match || Number(match[2]) > 65_535) {
    throw new NosanaError(
      'INDEXER__LISTEN_FAILED',
      `"${listen}" is not host:port or a port — e.g. 127.0.0.1:8090`,
      { listen },
    );
  }
  return { host: match[1] || '127.0.0.1', port: Number(match[2]) };
}

/**
 * Starts an indexer: opens the database, follows the Jobs program and serves the API (and the explorer).
 *
 * @example
 * ```ts
 * const indexer = await startIndexer({ rpcUrl: localnet.rpcUrl, wsUrl: localnet.wsUrl, dbPath: 'indexer.db', listen: 0 });
 * await indexer.ready;
 * await fetch(`${indexer.url}/api/jobs?status=QUEUED`);
 * ```
 */
export async function startIndexer({
  rpcUrl,
  wsUrl,
  dbPath,
  listen = '127.0.0.1:8090',
  programs = {},
  webRoot,
  ipfsUrl,
  nodeApi,
  log,
}: StartIndexerParameters): Promise<Indexer> {
  const { host, port } = parseListen(listen);
  const listeners = new Set<(change: Change) => void>();
  const store = openStore({
    path: dbPath,
    onChange: (change) => {
      for (const listener of listeners) listener(change);
    },
  });
  const jobsProgram = programs.jobs ?? PROGRAM_ADDRESSES.mainnet.jobs;
  const follower = createFollower({ rpcUrl, wsUrl, jobsProgram, store, ...(log ? { log } : {}) });
  let synced = false;
  follower.ready.then(
    () => {
      synced = true;
    },
    () => undefined,
  );
  const root = webRoot === null ? undefined : (webRoot ?? defaultWebRoot());
  const server: Server = createServer(
    createApiHandler({
      store,
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      health: () => ({ synced, slot: follower.slot() }),
      ...(root ? { webRoot: root } : {}),
      // The explorer's own build announces its first API requests; another app's files are served as they are.
      ...(root && root === defaultWebRoot() ? { preloads: explorerPreloads } : {}),
      ...(ipfsUrl ? { content: createJobContent({ ipfs: createKuboStore({ url: ipfsUrl }) }) } : {}),
      ...(nodeApi ? { nodeSpecs: createNodeSpecsSource({ db: store.db, locate: nodeApi }), nodeApi } : {}),
      ...(log ? { log } : {}),
    }),
  );
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.maxHeadersCount = 50;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (cause) {
    await follower.stop();
    store.closeDatabase();
    throw new NosanaError(
      'INDEXER__LISTEN_FAILED',
      `cannot listen on ${host}:${port}: ${(cause as Error).message} — pick another port with --listen`,
      { listen: `${host}:${port}` },
      { cause },
    );
  }
  const bound = server.address() as AddressInfo;
  const url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await follower.stop();
      store.closeDatabase();
    })());
  return { url, store, follower, ready: follower.ready, close, [Symbol.asyncDispose]: close };
}
