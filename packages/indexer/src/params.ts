/** Validation of API query parameters: every parameter is checked, unknown ones are refused. */

/** A refused request: HTTP status, a stable code, the parameter at fault and how to fix it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

const BASE58_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
const CID_V0 = /^Qm[1-9A-HJ-NP-Za-km-z]{44}$/;
/** The largest page the API returns. */
export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 50;
const STATUSES = ['QUEUED', 'RUNNING', 'COMPLETED', 'STOPPED', 'DELISTED'] as const;

/** Reads a query string, refusing parameters other than `allowed` and repeated ones. */
export function readQuery(search: URLSearchParams, allowed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of search) {
    if (!allowed.includes(key)) {
      throw new ApiError(
        400,
        'UNKNOWN_PARAMETER',
        `unknown query parameter "${key.slice(0, 40)}"; allowed: ${allowed.join(', ') || 'none'}`,
        key.slice(0, 40),
      );
    }
    if (out.has(key))
      throw new ApiError(400, 'REPEATED_PARAMETER', `"${key}" is given more than once; give it once`, key);
    out.set(key, value);
  }
  return out;
}

/** A base58 Solana address, or a 400 naming the parameter. */
export function address(value: string | undefined, param: string): string {
  if (value === undefined || !BASE58_ADDRESS.test(value)) {
    throw new ApiError(
      400,
      'INVALID_ADDRESS',
      `"${param}" must be a base58 Solana address (32–44 characters)`,
      param,
    );
  }
  return value;
}

/** An optional address parameter. */
export function optionalAddress(query: Map<string, string>, param: string): string | undefined {
  const value = query.get(param);
  return value === undefined ? undefined : address(value, param);
}

/** An integer within bounds, or a 400. */
export function integer(
  query: Map<string, string>,
  param: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const value = query.get(param);
  if (value === undefined) return fallback;
  if (!/^\d{1,15}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ApiError(400, 'INVALID_INTEGER', `"${param}" must be an integer from ${min} to ${max}`, param);
  }
  return Number(value);
}

/** A job status filter, or a 400 listing the allowed values. */
export function status(query: Map<string, string>): (typeof STATUSES)[number] | undefined {
  const value = query.get('status');
  if (value === undefined) return undefined;
  const upper = value.toUpperCase();
  if (!(STATUSES as readonly string[]).includes(upper)) {
    throw new ApiError(400, 'INVALID_STATUS', `"status" must be one of ${STATUSES.join(', ')}`, 'status');
  }
  return upper as (typeof STATUSES)[number];
}

/** A search term: an address or a CIDv0. */
export function searchTerm(query: Map<string, string>): string {
  const q = query.get('q')?.trim();
  if (!q || !(BASE58_ADDRESS.test(q) || CID_V0.test(q))) {
    throw new ApiError(400, 'INVALID_SEARCH', '"q" must be a base58 address or an IPFS CIDv0 (Qm…)', 'q');
  }
  return q;
}
