/** A small client of the indexer API (fetch only), for the CLI and scripts. */
import { NosanaError } from '@nosana/core';
import './errors.js';
import type { ExplainJobResult } from './explain.js';
import type { JobJson } from './queries.js';
import type { IndexedJobStatus } from './rows.js';

/** Filters of {@link IndexerClient.listJobs}. */
export interface ListIndexedJobsParameters {
  market?: string;
  node?: string;
  project?: string;
  status?: IndexedJobStatus;
  /** Total wanted; pages of up to 500 are fetched until reached (default 50). */
  limit?: number;
}

/** A client of an indexer's API. */
export interface IndexerClient {
  url: string;
  listJobs(parameters?: ListIndexedJobsParameters): Promise<JobJson[]>;
  getJob(address: string): Promise<JobJson>;
  explain(address: string): Promise<ExplainJobResult>;
  /** `/health`: whether the first backfill is done, and the last slot indexed. */
  health(): Promise<{ ok: boolean; synced: boolean; slot: number }>;
}

/**
 * Creates a client of the indexer API at `url`.
 *
 * @example
 * ```ts
 * const indexer = createIndexerClient({ url: 'http://127.0.0.1:8090' });
 * const queued = await indexer.listJobs({ status: 'QUEUED', limit: 20 });
 * ```
 */
export function createIndexerClient({
  url,
  timeoutMs = 15_000,
}: {
  url: string;
  timeoutMs?: number;
}): IndexerClient {
  const base = url.replace(/\/+$/, '');
  const get = async <T>(path: string): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (cause) {
      throw new NosanaError(
        'INDEXER__API_FAILED',
        `no indexer answers at ${base}: ${(cause as Error).message} — start one with \`nosana indexer start\` or check --indexer`,
        { url: base },
        { cause },
      );
    }
    const body = (await response.json().catch(() => null)) as
      | (T & { error?: { code: string; message: string } })
      | null;
    if (!response.ok || body === null) {
      const code = body?.error?.code;
      throw new NosanaError(
        'INDEXER__API_FAILED',
        `the indexer at ${base} answered ${response.status} for ${path.split('?')[0]}: ${body?.error?.message ?? 'not JSON'}`,
        { url: base, status: response.status, ...(code ? { code } : {}) },
      );
    }
    return body;
  };
  return {
    url: base,
    async listJobs({ limit = 50, ...filters } = {}) {
      const out: JobJson[] = [];
      let cursor: number | null = null;
      do {
        const query = new URLSearchParams();
        for (const [key, value] of Object.entries(filters))
          if (value !== undefined) query.set(key, String(value));
        query.set('limit', String(Math.min(500, limit - out.length)));
        if (cursor !== null) query.set('cursor', String(cursor));
        const page: { items: JobJson[]; nextCursor: number | null } = await get(`/api/jobs?${query}`);
        out.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null && out.length < limit);
      return out;
    },
    getJob: (address) => get<JobJson>(`/api/jobs/${encodeURIComponent(address)}`),
    explain: (address) => get<ExplainJobResult>(`/api/jobs/${encodeURIComponent(address)}/explain`),
    health: () => get<{ ok: boolean; synced: boolean; slot: number }>('/health'),
  };
}
