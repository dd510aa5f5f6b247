/**
 * Fetches a job definition from a URL (`job post --url`, `job validate <url>`) the careful way: http(s) only,
 * no credentials in the URL, no loopback/private/link-local hosts unless allowed (checked on every address the
 * connection actually uses, so DNS rebinding cannot slip one in), at most 3 redirects (each checked again), a
 * size limit and a timeout. Failures are coded: bad URLs, refused hosts, HTTP errors and oversized bodies are bad
 * input (exit 1); unreachable hosts and timeouts are network errors (exit 3).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** Parameters of {@link fetchDefinition}. */
export interface FetchDefinitionParameters {
  url: string;
  /** Allow loopback and private addresses (the localnet runs on this machine). */
  allowPrivate: boolean;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Give up after this long, in milliseconds. */
  timeoutMs?: number;
}

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

/** Whether an IP address is loopback, private, link-local, unspecified or multicast (IPv4-mapped IPv6 included). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Fetches the text of a job definition.
 *
 * @example
 * ```ts
 * const text = await fetchDefinition({ url: 'https://example.com/job.json', allowPrivate: false, maxBytes: 1 << 20 });
 * ```
 */
export async function fetchDefinition(parameters: FetchDefinitionParameters): Promise<string> {
  const { NosanaError } = await import('@nosana/core');
  const { allowPrivate, maxBytes, timeoutMs = 15_000 } = parameters;
  const deadline = AbortSignal.timeout(timeoutMs);
  let url = checkedUrl(parameters.url, NosanaError);
  for (let redirects = 0; ; redirects++) {
    const response = await request(url, { allowPrivate, signal: deadline }).catch((error: unknown) => {
      if (isNosanaErrorLike(error)) throw error;
      const timedOut = deadline.aborted;
      throw new NosanaError(
        'CLI__URL_UNREACHABLE',
        timedOut
          ? `${url.href} did not answer within ${timeoutMs / 1000} s — check the URL or try again`
          : `cannot fetch ${url.href}: ${(error as Error).message} — check the URL and your connection`,
        { url: url.href },
        { cause: error },
      );
    });
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (redirects >= 3)
        throw new NosanaError('CLI__URL_REFUSED', `${parameters.url} redirects more than 3 times`, {
          url: parameters.url,
          reason: 'redirects',
        });
      url = checkedUrl(new URL(response.headers.location, url).href, NosanaError);
      continue;
    }
    if (status < 200 || status >= 300) {
      response.resume();
      throw new NosanaError('CLI__URL_FAILED', `${url.href} answered HTTP ${status} — check the URL`, {
        url: url.href,
        status,
      });
    }
    return readLimited(response, url.href, maxBytes, NosanaError);
  }
}

type NosanaErrorClass = typeof import('@nosana/core').NosanaError;
const isNosanaErrorLike = (error: unknown) => (error as { name?: string } | null)?.name === 'NosanaError';

function checkedUrl(text: string, NosanaError: NosanaErrorClass): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new NosanaError(
      'CLI__INVALID_FLAG',
      `--url "${text}" is not a URL — write https://host/path/job.json`,
      {
        flag: 'url',
        value: text,
      },
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new NosanaError('CLI__URL_REFUSED', `${url.protocol} URLs are not fetched — use an http(s) URL`, {
      url: text,
      reason: 'scheme',
    });
  if (url.username || url.password)
    throw new NosanaError(
      'CLI__URL_REFUSED',
      'URLs with credentials are not fetched — remove user:password@',
      {
        url: `${url.protocol}//${url.host}${url.pathname}`,
        reason: 'credentials',
      },
    );
  return url;
}

async function request(
  url: URL,
  options: { allowPrivate: boolean; signal: AbortSignal },
): Promise<IncomingMessage> {
  const { NosanaError } = await import('@nosana/core');
  const { get } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const refused = (address: string) =>
    new NosanaError(
      'CLI__URL_REFUSED',
      `${url.hostname} is a loopback or private address (${address}): definitions are only fetched from public hosts on devnet and mainnet`,
      { url: url.href, reason: 'private-address' },
    );
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && isIP(literal) !== 0 && isPrivateAddress(literal)) throw refused(literal);
  return new Promise((resolve, reject) => {
    const req = get(url, {
      signal: options.signal,
      headers: { accept: 'application/json, application/yaml, text/plain' },
      // Every address the connection uses is checked, so a name cannot resolve to a private one after a check.
      lookup: (hostname, lookupOptions, callback) => {
        dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
          if (error) return callback(error, '', 0);
          const list = addresses as LookupAddress[];
          const bad = options.allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
          if (bad) return callback(refused(bad.address), '', 0);
          if (lookupOptions.all)
            return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
          return callback(null, list[0]!.address, list[0]!.family);
        });
      },
    });
    req.once('response', resolve);
    req.once('error', reject);
  });
}

async function readLimited(
  response: IncomingMessage,
  url: string,
  maxBytes: number,
  NosanaError: NosanaErrorClass,
): Promise<string> {
  const tooLarge = () =>
    new NosanaError(
      'CLI__URL_REFUSED',
      `${url} is larger than ${maxBytes} bytes, the limit of a job definition`,
      {
        url,
        reason: 'size',
      },
    );
  if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
