import { createAuthHeader } from '@nosana/chain';
import { NosanaError } from '@nosana/core';
import type { Keypair } from '@solana/web3.js';
import { apiAuthMessage } from './api.js';
import './errors.js';

/** Parameters of {@link createDeploymentApiClient}. */
export interface CreateDeploymentApiClientParameters {
  /** The manager's URL, e.g. `http://127.0.0.1:3939`. */
  url: string;
  /** Signs each request; must be the manager's wallet. */
  wallet: Keypair;
  fetch?: typeof globalThis.fetch;
}

/** The client returned by {@link createDeploymentApiClient}. */
export type DeploymentApiClient = ReturnType<typeof createDeploymentApiClient>;

/**
 * A client of a running manager's HTTP API (see `startDeploymentApi`). Answers are JSON: amounts are strings of
 * NOS base units. Errors come back as the `NosanaError` the manager threw (same code and message).
 *
 * @example
 * ```ts
 * const api = createDeploymentApiClient({ url: 'http://127.0.0.1:3939', wallet });
 * const deployments = await api.request('GET', '/api/deployments');
 * ```
 */
export function createDeploymentApiClient({
  url,
  wallet,
  fetch = globalThis.fetch,
}: CreateDeploymentApiClientParameters) {
  const base = url.replace(/\/+$/, '');
  return {
    url: base,
    async request<T = unknown>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
      const pathname = path.split('?')[0]!;
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: createAuthHeader(wallet, apiAuthMessage(method, pathname)),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined
            ? {}
            : { body: JSON.stringify(body, (_, v) => (typeof v === 'bigint' ? v.toString() : v)) }),
        });
      } catch (error) {
        throw new NosanaError(
          'DEPLOY__API_UNREACHABLE',
          `the deployment manager at ${base} cannot be reached (${(error as Error).message}) — start it with \`nosana deployment serve\` or drop --manager`,
          { url: base },
          { cause: error },
        );
      }
      const text = await response.text();
      const json = text ? (JSON.parse(text) as unknown) : null;
      if (!response.ok) {
        const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
        throw new NosanaError(
          (error?.code ?? 'DEPLOY__API_REQUEST') as 'DEPLOY__API_REQUEST',
          error?.message ?? `${method} ${pathname} answered ${response.status}`,
          { status: response.status, path: pathname },
        );
      }
      return json as T;
    },
  };
}
