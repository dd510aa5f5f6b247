/**
 * GET requests for resource downloads, under an address policy. Every hop of a redirect chain is checked (a
 * bounded number of them), host names are resolved and their addresses checked before the request, and the
 * connection itself resolves through a `lookup` that checks again and hands the socket only the checked
 * address, so a name that answers differently the second time (DNS rebinding) cannot slip through. The address
 * the response came from is checked once more.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy.js';
import { parseAddress } from './address-policy.js';

/** Resolves a host name to its addresses (injectable; default `dns.lookup` with `all`). */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

/** A connection or redirect went to an address the policy refuses. */
export class AddressRefusedError extends Error {
  constructor(
    readonly url: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${url}: ${reason}`);
    this.name = 'AddressRefusedError';
  }
}

/** A response: its status, headers and body, from the built-in transport or an injected `fetch`. */
export interface HttpResponse {
  url: string;
  status: number;
  headers: Headers;
  body: AsyncIterable<Uint8Array>;
  /** Drops the body (and the connection's rest of it). */
  cancel(): void;
}

/** One GET under a policy. */
export interface HttpGetParameters {
  url: string;
  headers?: Record<string, string>;
  policy: AddressPolicy;
  resolve?: Resolver;
  /** When given, requests go through it (redirects still followed and checked here); the policy then checks resolved names but not the connected address. */
  fetch?: typeof fetch;
  /** Connections reused across the requests of one download. */
  agents?: HttpAgents;
  signal?: AbortSignal;
  /** Default 5. */
  maxRedirects?: number;
  /** No byte for this long (connecting included) fails the request. Default 60 s. */
  idleTimeoutMs?: number;
}

/** Keep-alive agents for one download; `destroy()` when done. */
export interface HttpAgents {
  http: HttpAgent;
  https: HttpsAgent;
  destroy(): void;
}

/**
 * Keep-alive agents for the requests of one resource (so a policy never reuses a connection another made).
 *
 * @example
 * ```ts
 * const agents = createHttpAgents();
 * try { await httpGet({ url, policy, agents }); } finally { agents.destroy(); }
 * ```
 */
export function createHttpAgents(): HttpAgents {
  const http = new HttpAgent({ keepAlive: true, maxSockets: 4 });
  const https = new HttpsAgent({ keepAlive: true, maxSockets: 4 });
  return {
    http,
    https,
    destroy() {
      http.destroy();
      https.destroy();
    },
  };
}

const defaultResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Checks a URL's host (an address, or a name resolved with `resolve`) and returns why it is refused, if it is. */
async function checkUrl(url: URL, policy: AddressPolicy, resolve: Resolver): Promise<void> {
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  if (parseAddress(hostname)) {
    const decision = policy.check(hostname);
    if (!decision.allowed) throw new AddressRefusedError(url.href, hostname, decision.reason);
    return;
  }
  const named = policy.checkHostname(hostname);
  if (!named.allowed) throw new AddressRefusedError(url.href, hostname, named.reason);
  const answers = await resolve(hostname);
  if (answers.length === 0) throw new Error(`${hostname} did not resolve to any address`);
  for (const { address } of answers) {
    const decision = policy.check(address, hostname);
    if (!decision.allowed)
      throw new AddressRefusedError(
        url.href,
        address,
        `${hostname} resolves to ${address}; ${decision.reason}`,
      );
  }
}

/** A `lookup` for sockets: resolves with `resolve`, refuses if any answer is refused, connects to the checked ones. */
function checkedLookup(policy: AddressPolicy, resolve: Resolver, url: string): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (answers) => {
        const wanted = answers.filter((a) => !options.family || a.family === options.family);
        for (const { address } of wanted) {
          const decision = policy.check(address, hostname);
          if (!decision.allowed)
            return callback(
              new AddressRefusedError(url, address, `${hostname} resolves to ${address}; ${decision.reason}`),
              '',
              0,
            );
        }
        if (wanted.length === 0)
          return callback(
            Object.assign(new Error(`${hostname} did not resolve to any address`), { code: 'ENOTFOUND' }),
            '',
            0,
          );
        if (options.all) return (callback as unknown as (e: null, a: typeof wanted) => void)(null, wanted);
        return callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GETs `url` under `policy`, following at most `maxRedirects` redirects, each checked; headers are dropped when
 * a redirect leaves the origin (credentials are for the origin they were given for). Resolves with the final
 * response, whatever its status; rejects with {@link AddressRefusedError} when an address is refused.
 *
 * @example
 * ```ts
 * const response = await httpGet({ url: 'https://huggingface.co/gpt2/resolve/main/config.json', policy: createAddressPolicy() });
 * for await (const chunk of response.body) process.stdout.write(chunk);
 * ```
 */
export async function httpGet(parameters: HttpGetParameters): Promise<HttpResponse> {
  const resolve = parameters.resolve ?? defaultResolver;
  const maxRedirects = parameters.maxRedirects ?? 5;
  let url = new URL(parameters.url);
  let headers = parameters.headers ?? {};
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`${url.href}: only http and https URLs can be downloaded`);
    await checkUrl(url, parameters.policy, resolve);
    parameters.signal?.throwIfAborted();
    const response = parameters.fetch
      ? await viaFetch(parameters.fetch, url, headers, parameters.signal)
      : await viaNode(url, headers, parameters, resolve);
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || !location) return response;
    response.cancel();
    if (hop >= maxRedirects) throw new Error(`${parameters.url}: more than ${maxRedirects} redirects`);
    const next = new URL(location, url);
    if (next.origin !== url.origin) headers = {};
    url = next;
  }
}

async function viaFetch(
  fetcher: typeof fetch,
  url: URL,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<HttpResponse> {
  const response = await fetcher(url.href, { headers, redirect: 'manual', ...(signal ? { signal } : {}) });
  const body = response.body;
  return {
    url: url.href,
    status: response.status,
    headers: response.headers,
    body: (body ?? []) as AsyncIterable<Uint8Array>,
    cancel: () => void body?.cancel().catch(() => {}),
  };
}

function viaNode(
  url: URL,
  headers: Record<string, string>,
  parameters: HttpGetParameters,
  resolve: Resolver,
): Promise<HttpResponse> {
  const secure = url.protocol === 'https:';
  const agents = parameters.agents;
  return new Promise((fulfil, reject) => {
    let response: IncomingMessage | undefined;
    const request = (secure ? httpsRequest : httpRequest)(
      url,
      {
        method: 'GET',
        headers,
        lookup: checkedLookup(parameters.policy, resolve, url.href),
        ...(agents ? { agent: secure ? agents.https : agents.http } : { agent: false }),
        ...(parameters.signal ? { signal: parameters.signal } : {}),
      },
      (message: IncomingMessage) => {
        response = message;
        const remote = message.socket.remoteAddress;
        const decision = remote
          ? parameters.policy.check(remote, url.hostname.replace(/^\[|\]$/g, ''))
          : { allowed: false as const, reason: 'the connection has no remote address' };
        if (!decision.allowed) {
          message.destroy();
          request.destroy();
          return reject(new AddressRefusedError(url.href, remote ?? '', decision.reason));
        }
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(message.headers))
          if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        fulfil({
          url: url.href,
          status: message.statusCode ?? 0,
          headers: responseHeaders,
          body: message,
          cancel: () => message.destroy(),
        });
      },
    );
    const idle = parameters.idleTimeoutMs ?? 60_000;
    request.setTimeout(idle, () => {
      const error = new Error(`${url.href}: nothing received for ${idle / 1000} s`);
      response?.destroy(error);
      request.destroy(error);
    });
    request.on('error', reject);
    request.end();
  });
}
