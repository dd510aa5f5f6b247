/**
 * The node's requests to a confidential job's `api` endpoints. The endpoint comes from a job definition, so it is
 * hostile: only http(s), never an address on the host or its networks (loopback, private, link-local, …) unless the
 * operator allows it, checked on every address the name resolves to at connection time (no DNS rebinding between a
 * check and the connection), with a timeout and a cap on the answer's size.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { refusedRange } from '@nosana/runtime';

/**
 * True when an address is not public unicast (loopback, private, link-local, CGNAT, ULA, multicast, reserved, and
 * those forms mapped into IPv6): the runtime's address policy for what a job's URLs may reach, here applied to a
 * job's logistics endpoints.
 *
 * @example
 * ```ts
 * isPrivateAddress('10.1.2.3'); // true
 * isPrivateAddress('::ffff:127.0.0.1'); // true
 * isPrivateAddress('1.1.1.1'); // false
 * ```
 */
export function isPrivateAddress(address: string): boolean {
  return refusedRange(address) !== undefined;
}

/** Parameters of {@link logisticsRequest}. */
export interface LogisticsRequestParameters {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** The answer's size limit; a longer answer fails. */
  maxBytes: number;
  timeoutMs: number;
  /** Let the endpoint be on this host or its networks (a test, or an operator's own service). Default false. */
  allowPrivate?: boolean;
}

/** Result of {@link logisticsRequest}. */
export interface LogisticsRequestResult {
  status: number;
  body: string;
}

/** A request the node makes to an `api` endpoint (injectable for tests). */
export type LogisticsRequest = (parameters: LogisticsRequestParameters) => Promise<LogisticsRequestResult>;

/**
 * Makes one request to a job's endpoint; rejects with a plain Error saying why (refused address, timeout, too
 * large, network error).
 *
 * @example
 * ```ts
 * const { status, body } = await logisticsRequest({ url, method: 'GET', maxBytes: 1 << 20, timeoutMs: 15_000 });
 * ```
 */
export const logisticsRequest: LogisticsRequest = (parameters) =>
  new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(parameters.url);
    } catch {
      return reject(new Error(`"${parameters.url}" is not a URL`));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return reject(new Error(`${url.protocol} is not allowed: only http and https`));
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (!parameters.allowPrivate && isIP(literal) !== 0 && isPrivateAddress(literal))
      return reject(new Error(`${literal} is not a public address: a job's endpoint may not reach the host`));
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      {
        method: parameters.method,
        headers: {
          ...parameters.headers,
          ...(parameters.body !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(parameters.body) }
            : {}),
        },
        timeout: parameters.timeoutMs,
        ...(parameters.allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      (response) => readCapped(response, parameters.maxBytes).then(resolve, reject),
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${parameters.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(parameters.body);
  });

/** A DNS lookup that fails when the name resolves to any non-public address. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((entry) => isPrivateAddress(entry.address));
    if (refused)
      return callback(
        new Error(
          `${hostname} resolves to ${refused.address}, not a public address: a job's endpoint may not reach the host`,
        ),
        '',
        0,
      );
    if ((options as { all?: boolean }).all)
      return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
};

function readCapped(response: IncomingMessage, maxBytes: number): Promise<LogisticsRequestResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy();
        return reject(new Error(`the answer is larger than ${maxBytes} bytes`));
      }
      chunks.push(chunk);
    });
    response.on('end', () =>
      resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
    );
    response.on('error', reject);
  });
}
