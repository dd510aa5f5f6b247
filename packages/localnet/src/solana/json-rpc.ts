/**
 * JSON-RPC 2.0 framing shared by the HTTP and WebSocket servers: parsing a body, checking each request's shape
 * and turning every failure into a JSON-RPC error object. Nothing a client sends may throw out of here.
 */
import { preview } from './params.js';
import { RpcError } from './rpc-error.js';

/** A JSON-RPC request id as the spec allows it. */
export type RequestId = string | number | null;

/** A checked JSON-RPC request. */
export interface RpcRequest {
  id: RequestId;
  method: string;
  params: unknown;
}

/** A JSON-RPC response object. */
export type RpcResponse =
  | { jsonrpc: '2.0'; id: RequestId; result: unknown }
  | { jsonrpc: '2.0'; id: RequestId; error: { code: number; message: string; data?: unknown } };

/**
 * The error response for `error` (an {@link RpcError} keeps its code; anything else is -32603).
 *
 * @example
 * ```ts
 * errorResponse(null, new RpcError(-32700, 'Parse error'));
 * ```
 */
export function errorResponse(id: RequestId, error: unknown): RpcResponse {
  const rpc =
    error instanceof RpcError
      ? error
      : new RpcError(-32603, `Internal error: ${(error as Error)?.message ?? String(error)}`);
  return {
    jsonrpc: '2.0',
    id,
    error: { code: rpc.code, message: rpc.message, ...(rpc.data === undefined ? {} : { data: rpc.data }) },
  };
}

/** The id of a request object when it is a valid one, else null (what the spec answers with). */
function idOf(value: unknown): RequestId {
  if (typeof value !== 'object' || value === null) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

/**
 * Checks one element of a body: an object with a string `method`, an optional string/number/null `id` and
 * optional `params`. Throws a -32600 {@link RpcError} otherwise.
 *
 * @example
 * ```ts
 * checkRequest({ jsonrpc: '2.0', id: 1, method: 'getSlot' }); // { id: 1, method: 'getSlot', params: undefined }
 * ```
 */
export function checkRequest(value: unknown): RpcRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RpcError(-32600, `Invalid request: expected a JSON-RPC request object, got ${preview(value)}`);
  const { id, method, params } = value as { id?: unknown; method?: unknown; params?: unknown };
  if (
    id !== undefined &&
    id !== null &&
    typeof id !== 'string' &&
    !(typeof id === 'number' && Number.isFinite(id))
  )
    throw new RpcError(-32600, 'Invalid request: id must be a string, a number or null');
  if (typeof method !== 'string') throw new RpcError(-32600, 'Invalid request: missing method');
  return { id: (id as RequestId | undefined) ?? null, method, params };
}

/**
 * Parses a body: the parsed JSON, or the -32700 response to send when it is not JSON.
 *
 * @example
 * ```ts
 * const parsed = parseBody('{"jsonrpc":"2.0","id":1,"method":"getSlot"}');
 * ```
 */
export function parseBody(text: string): { ok: true; body: unknown } | { ok: false; response: RpcResponse } {
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return {
      ok: false,
      response: errorResponse(null, new RpcError(-32700, 'Parse error: the body is not JSON')),
    };
  }
}

/**
 * Answers a parsed body: a single request or a batch, each element checked and run through `run`; a malformed
 * element gets its -32600 error, an empty batch one -32600 error.
 *
 * @example
 * ```ts
 * answerBody([{ jsonrpc: '2.0', id: 1, method: 'getSlot' }, null], (r) => handle(r.method, r.params));
 * ```
 */
export function answerBody(
  body: unknown,
  run: (request: RpcRequest) => unknown,
): RpcResponse | RpcResponse[] {
  const one = (value: unknown): RpcResponse => {
    try {
      const request = checkRequest(value);
      return { jsonrpc: '2.0', id: request.id, result: run(request) };
    } catch (error) {
      return errorResponse(idOf(value), error);
    }
  };
  if (!Array.isArray(body)) return one(body);
  if (body.length === 0) return errorResponse(null, new RpcError(-32600, 'Invalid request: empty batch'));
  return body.map(one);
}
