/**
 * Learns nodes' hardware from their node API (`GET <node API>/node/info`), on demand and cached in the database.
 * Where a node's API is comes from the operator: a URL template (`https://{node}.node.example.com`, the real
 * network's scheme, or one fixed URL such as the localnet's `http://127.0.0.1:5101`) or a function. The node is a
 * stranger: one request at a time per node and a few overall, a time limit, a size limit, no redirects, and an
 * answer that names another node is refused. Failures are cached too, so a dead node is not asked on every view.
 */
import type Database from 'better-sqlite3';
import { type NodeSpecsView, nodeSpecsView } from './node-specs.js';

/** Where a node's API is: a URL template (`{node}` is replaced by its address) or a function (null: unknown). */
export type NodeApiLocator = string | ((node: string) => string | null | undefined);

/** What the indexer knows of a node's hardware. */
export interface NodeSpecsAnswer {
  node: string;
  /** The last view learned (kept when a later attempt fails), or null. */
  specs: NodeSpecsView | null;
  /** When it was learned (unix ms), or null. */
  fetchedAt: number | null;
  /** Why the last attempt failed, or null. */
  error: string | null;
  /** The node API asked, or null. */
  source: string | null;
}

/** Parameters of {@link createNodeSpecsSource}. */
export interface CreateNodeSpecsSourceParameters {
  db: Database.Database;
  locate: NodeApiLocator;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  /** How long a learned view is fresh (default 5 min). */
  ttlMs?: number;
  /** How long a failure is kept before asking again (default 30 s). */
  retryMs?: number;
  /** Time limit of one request, body included (default 3 s). */
  timeoutMs?: number;
  /** Largest answer read (default 64 KiB). */
  maxBytes?: number;
  /** Most requests in flight (default 4); beyond that, the cached answer is returned as is. */
  maxInFlight?: number;
}

/** A node's hardware, learned from its API and cached. */
export interface NodeSpecsSource {
  get(node: string): Promise<NodeSpecsAnswer>;
}

interface SpecsRow {
  address: string;
  specs: string | null;
  fetched_at: number | null;
  tried_at: number;
  error: string | null;
  source: string | null;
}

/**
 * Creates the source of nodes' hardware views.
 *
 * @example
 * ```ts
 * const specs = createNodeSpecsSource({ db: store.db, locate: 'https://{node}.node.example.com' });
 * const { specs: view } = await specs.get(nodeAddress);
 * ```
 */
export function createNodeSpecsSource({
  db,
  locate,
  fetch: fetchImpl = globalThis.fetch,
  now = Date.now,
  ttlMs = 5 * 60_000,
  retryMs = 30_000,
  timeoutMs = 3000,
  maxBytes = 64 * 1024,
  maxInFlight = 4,
}: CreateNodeSpecsSourceParameters): NodeSpecsSource {
  const read = db.prepare<[string], SpecsRow>('SELECT * FROM node_specs WHERE address = ?');
  const write = db.prepare(
    `INSERT INTO node_specs (address, specs, fetched_at, tried_at, error, source)
     VALUES (@address, @specs, @fetched_at, @tried_at, @error, @source)
     ON CONFLICT(address) DO UPDATE SET specs = coalesce(excluded.specs, specs),
       fetched_at = coalesce(excluded.fetched_at, fetched_at), tried_at = excluded.tried_at,
       error = excluded.error, source = excluded.source`,
  );
  const inFlight = new Map<string, Promise<NodeSpecsAnswer>>();
  const answer = (node: string, row: SpecsRow | undefined): NodeSpecsAnswer => ({
    node,
    specs: row?.specs ? (JSON.parse(row.specs) as NodeSpecsView) : null,
    fetchedAt: row?.fetched_at ?? null,
    error: row?.error ?? null,
    source: row?.source ?? null,
  });
  const urlOf = (node: string): string | null => {
    const base = typeof locate === 'string' ? locate.replaceAll('{node}', node) : locate(node);
    return base ? `${base.replace(/\/+$/, '')}/node/info` : null;
  };

  const learn = async (node: string, url: string): Promise<NodeSpecsAnswer> => {
    const tried = now();
    let specs: NodeSpecsView | null = null;
    let error: string | null = null;
    try {
      const info = await fetchInfo(fetchImpl, url, timeoutMs, maxBytes);
      const named = (info as { address?: unknown } | null)?.address;
      if (named !== node)
        throw new Error(`it answers for another node (${String(named).slice(0, 44)}), not ${node}`);
      specs = nodeSpecsView(info, node);
      if (!specs) throw new Error('its answer is not a JSON object');
    } catch (cause) {
      error = `the node API ${url} did not give this node's specs: ${(cause as Error).message.slice(0, 200)}`;
    }
    write.run({
      address: node,
      specs: specs ? JSON.stringify(specs) : null,
      fetched_at: specs ? tried : null,
      tried_at: tried,
      error,
      source: url,
    });
    return answer(node, read.get(node));
  };

  return {
    async get(node) {
      const row = read.get(node);
      const url = urlOf(node);
      const fresh =
        row && (row.error === null ? now() - row.tried_at < ttlMs : now() - row.tried_at < retryMs);
      if (!url || fresh) return answer(node, row);
      const pending = inFlight.get(node);
      if (pending) return pending;
      if (inFlight.size >= maxInFlight) return answer(node, row);
      const task = learn(node, url).finally(() => inFlight.delete(node));
      inFlight.set(node, task);
      return task;
    },
  };
}

/**
 * GETs `url` as JSON within `timeoutMs` and `maxBytes`, following no redirect. The time limit covers the whole
 * exchange and holds even if the HTTP client does not settle after its abort (an answer cut off mid-body surfaces as
 * undici's "terminated", or not at all): past it, the read fails with a timeout, whatever the client does.
 */
async function fetchInfo(
  fetchImpl: typeof globalThis.fetch,
  url: string,
  timeoutMs: number,
  maxBytes: number,
): Promise<unknown> {
  const signal = AbortSignal.timeout(timeoutMs);
  const timeout = () => new Error(`it did not answer in full within ${timeoutMs} ms (timeout)`);
  const expired = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(timeout()), { once: true }),
  );
  try {
    return await Promise.race([readInfo(fetchImpl, url, signal, maxBytes), expired]);
  } catch (error) {
    throw signal.aborted ? timeout() : error;
  }
}

/** The request and its capped body (see {@link fetchInfo}); bodies given up on are cancelled without waiting. */
async function readInfo(
  fetchImpl: typeof globalThis.fetch,
  url: string,
  signal: AbortSignal,
  maxBytes: number,
): Promise<unknown> {
  const response = await fetchImpl(url, {
    signal,
    redirect: 'error',
    headers: { accept: 'application/json' },
  });
  const giveUp = () => void response.body?.cancel().catch(() => undefined);
  if (!response.ok) {
    giveUp();
    throw new Error(`it answered ${response.status}`);
  }
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    giveUp();
    throw new Error(`its answer is larger than ${maxBytes} bytes`);
  }
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    size += next.value.byteLength;
    if (size > maxBytes) {
      void reader?.cancel().catch(() => undefined);
      throw new Error(`its answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(next.value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Error('its answer is not JSON');
  }
}
