/**
 * A job's definition and result read from IPFS for the explorer: the CIDs come from the indexed row (never from
 * the caller), reads are size-capped, parsed defensively (the content is hostile) and cached by CID (immutable).
 */
import type { ContentStore } from '@nosana/chain';
import { type CidV0, serviceId } from '@nosana/core';
import type { ExplorerDefinition, ExplorerEndpoint, ExplorerResult } from '@nosana/explorer';

/** Largest definition or result read (bytes). */
export const MAX_CONTENT_BYTES = 4 * 1024 * 1024;
/** Log lines kept per op in the explorer's view of a result (the newest). */
export const MAX_LOG_LINES = 2000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The numeric ports of an op's `expose` (ranges expanded up to 64 ports; literals skipped). */
export function exposedPortsOf(expose: unknown): number[] {
  const items = Array.isArray(expose) ? expose : expose === undefined ? [] : [expose];
  const ports: number[] = [];
  for (const item of items) {
    const value = isObject(item) ? item.port : item;
    if (typeof value === 'number' && Number.isInteger(value)) ports.push(value);
    else if (typeof value === 'string' && /^\d+-\d+$/.test(value)) {
      const [from, to] = value.split('-').map(Number) as [number, number];
      for (let p = from; p <= Math.min(to, from + 63); p += 1) ports.push(p);
    }
  }
  return ports;
}

/**
 * The services a job's definition exposes, with their health from the result when there is one.
 *
 * @example
 * ```ts
 * jobEndpoints(job, definition, result); // [{ op: 'web', port: 8080, serviceId: '…', status: 'UNKNOWN' }]
 * ```
 */
export function jobEndpoints(job: string, definition: unknown, result: unknown): ExplorerEndpoint[] {
  const ops = isObject(definition) && Array.isArray(definition.ops) ? definition.ops : [];
  const opStates = isObject(result) && Array.isArray(result.opStates) ? result.opStates : [];
  return ops.flatMap((op: unknown, opIndex) => {
    if (!isObject(op) || !isObject(op.args)) return [];
    const state = opStates[opIndex];
    const known = isObject(state) && Array.isArray(state.endpoints) ? state.endpoints : [];
    return exposedPortsOf(op.args.expose).map((port) => {
      const seen = known.find((e: unknown) => isObject(e) && Number(e.port) === port) as Json | undefined;
      const status = seen?.status === 'ONLINE' || seen?.status === 'OFFLINE' ? seen.status : 'UNKNOWN';
      return { op: String(op.id ?? opIndex), port, serviceId: serviceId({ job, opIndex, port }), status };
    });
  });
}

/**
 * The explorer's view of a result (flow state): status and each op's status, exit code and logs (the newest
 * {@link MAX_LOG_LINES}).
 *
 * @example
 * ```ts
 * resultView(cid, JSON.parse(text)).ops[0].logs; // [{ type: 'stdout', log: 'hello', timestamp: … }]
 * ```
 */
export function resultView(cid: string, result: unknown): ExplorerResult {
  const flow = isObject(result) ? result : {};
  const opStates = Array.isArray(flow.opStates) ? flow.opStates : [];
  return {
    cid,
    status: String(flow.status ?? 'unknown'),
    ops: opStates.filter(isObject).map((op, i) => ({
      id: String(op.operationId ?? i),
      status: String(op.status ?? 'unknown'),
      exitCode: typeof op.exitCode === 'number' ? op.exitCode : null,
      logs: (Array.isArray(op.logs) ? op.logs : [])
        .slice(-MAX_LOG_LINES)
        .filter(isObject)
        .map((l) => ({
          type: String(l.type ?? ''),
          log: String(l.log ?? ''),
          timestamp: Number(l.timestamp) || 0,
        })),
    })),
  };
}

/** Reads definitions and results of jobs. */
export interface JobContent {
  definition(job: string, definitionCid: string, resultCid: string | null): Promise<ExplorerDefinition>;
  result(resultCid: string): Promise<ExplorerResult>;
}

/**
 * Creates the reader over a content store, caching parsed documents by CID (at most `cacheSize`).
 *
 * @example
 * ```ts
 * const content = createJobContent({ ipfs: createKuboStore({ url: 'http://127.0.0.1:5001' }) });
 * await content.result(job.result);
 * ```
 */
export function createJobContent({
  ipfs,
  cacheSize = 256,
}: {
  ipfs: ContentStore;
  cacheSize?: number;
}): JobContent {
  const cache = new Map<string, Promise<unknown>>();
  const read = (cid: string): Promise<unknown> => {
    const hit = cache.get(cid);
    if (hit) return hit;
    const loading = ipfs
      .getBytes(cid as CidV0, { maxBytes: MAX_CONTENT_BYTES, signal: AbortSignal.timeout(15_000) })
      .then((bytes) => JSON.parse(new TextDecoder().decode(bytes)) as unknown);
    cache.set(cid, loading);
    // Failures are not cached (the content may appear later); old entries go first.
    loading.catch(() => cache.delete(cid));
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
    return loading;
  };
  return {
    async definition(job, definitionCid, resultCid) {
      const definition = await read(definitionCid);
      const result = resultCid ? await read(resultCid).catch(() => null) : null;
      return { cid: definitionCid, definition, endpoints: jobEndpoints(job, definition, result) };
    },
    async result(resultCid) {
      return resultView(resultCid, await read(resultCid));
    },
  };
}
