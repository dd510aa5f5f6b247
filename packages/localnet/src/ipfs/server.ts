/**
 * A Kubo-RPC-compatible HTTP API over the localnet's content store (the subset clients use: add, cat, get, pin,
 * version, id) and a read-only gateway (`GET|HEAD /ipfs/<cid>[/path]`), so `kubo-rpc-client` works unchanged; the
 * same gateway with Pinata's content types under `/pinata/ipfs/` for clients written against Pinata's gateways.
 * Binds to loopback: like Kubo's RPC API it has no authentication.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { isNosanaError, NosanaError } from '@nosana/core';
import { base58 } from '@scure/base';
import { CID } from 'multiformats/cid';
import { pack } from 'tar-stream';
import { listenFailed } from '../listen-error.js';
import { gatewayContentType, pinataContentType, SNIFF_BYTES } from './content-type.js';
import { multipart } from './multipart.js';
import { createPinataRoutes } from './pinata.js';
import type { AddOptions, ContentStore } from './store.js';
import '../errors.js';

/** The Kubo RPC commands the localnet serves (`POST /api/v0/<command>`). */
export const IPFS_API_COMMANDS = [
  'version',
  'id',
  'add',
  'cat',
  'get',
  'pin/add',
  'pin/rm',
  'pin/ls',
] as const;
/** One of {@link IPFS_API_COMMANDS}. */
export type IpfsApiCommand = (typeof IPFS_API_COMMANDS)[number];

/** Default largest IPFS API request body: 1 GiB. */
export const DEFAULT_MAX_IPFS_BODY_BYTES = 1024 ** 3;

/** Parameters of {@link startIpfsServer}. */
export interface StartIpfsServerParameters {
  store: ContentStore;
  /** 0 picks a free port. Default 5001, like Kubo. */
  port?: number;
  host?: string;
  /**
   * Largest request body in bytes (an `add` streams; bigger bodies are answered 413). Default 1 GiB
   * ({@link DEFAULT_MAX_IPFS_BODY_BYTES}).
   */
  maxBodyBytes?: number;
}

/** A running IPFS API + gateway. */
export interface IpfsServer {
  /** Kubo RPC API base URL (use with kubo-rpc-client or `createKuboStore`). */
  apiUrl: string;
  /** Gateway base URL (`<gatewayUrl>/ipfs/<cid>`); the same server. */
  gatewayUrl: string;
  port: number;
  close(): Promise<void>;
}

/** A fixed, well-formed libp2p peer id (Ed25519, identity multihash), since clients parse it. */
const PEER_ID = (() => {
  const key = createHash('sha256').update('nosana-localnet-ipfs').digest();
  return base58.encode(Uint8Array.from([0x00, 36, 0x08, 0x01, 0x12, 0x20, ...key]));
})();

/** An `offset` / `length` query argument: a non-negative integer, or undefined when absent. */
const position = (query: URLSearchParams, name: string): number | undefined => {
  const text = query.get(name);
  if (text === null) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value))
    throw new NosanaError(
      'LOCALNET__IPFS_BAD_REQUEST',
      `${name} must be a non-negative integer, got "${text.slice(0, 40)}"`,
      {
        argument: name,
      },
    );
  return value;
};

const flag = (query: URLSearchParams, name: string, fallback: boolean) => {
  const value = query.get(name);
  return value === null ? fallback : value === '' || value === 'true' || value === '1';
};

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(`${JSON.stringify(body)}\n`);
};

/** Kubo's error body, or a destroyed response when the headers (and part of a body) are already sent. */
const fail = (response: ServerResponse, status: number, message: string) => {
  if (response.headersSent) {
    response.destroy(new Error(message));
    return;
  }
  json(response, status, { Message: message, Code: 0, Type: 'error' });
};

const argument = (query: URLSearchParams) => {
  const arg = query.get('arg');
  if (!arg)
    throw new NosanaError('LOCALNET__IPFS_BAD_REQUEST', 'argument "arg" is required', { argument: 'arg' });
  return arg;
};

const cidOf = (arg: string) => {
  try {
    return CID.parse(arg.replace(/^\/?ipfs\//, '').split('/')[0]!);
  } catch {
    throw new NosanaError('LOCALNET__IPFS_BAD_REQUEST', `invalid CID "${arg}"`, { argument: arg });
  }
};

/** The first bytes of a file, for the gateway's content type. */
const sniff = async (entry: {
  content(options: { offset: number; length: number }): AsyncIterable<Uint8Array>;
}) => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of entry.content({ offset: 0, length: SNIFF_BYTES })) chunks.push(chunk);
  return Buffer.concat(chunks);
};

/** Writes `chunks` to the response, waiting for it to drain whenever its buffer is full. */
async function stream(chunks: AsyncIterable<Uint8Array>, response: ServerResponse): Promise<void> {
  for await (const chunk of chunks) {
    if (!response.write(chunk)) await new Promise((resolve) => response.once('drain', resolve));
  }
  response.end();
}

/** `cat` of the API and the gateway's files: a byte range of a file, streamed block by block. */
async function cat(
  store: ContentStore,
  path: string,
  query: URLSearchParams,
  response: ServerResponse,
  { head = false, gateway = false }: { head?: boolean; gateway?: false | 'kubo' | 'pinata' | boolean } = {},
): Promise<void> {
  const entry = await store.resolve(path);
  if (entry.type === 'directory')
    throw new NosanaError('LOCALNET__IPFS_BAD_REQUEST', 'this dag node is a directory', { argument: path });
  if (entry.type !== 'file' && entry.type !== 'raw')
    throw new NosanaError('LOCALNET__IPFS_BAD_REQUEST', `${path} is not a file`, { argument: path });
  const size = Number(entry.size);
  const offset = Math.min(size, position(query, 'offset') ?? 0);
  const length = Math.min(size - offset, position(query, 'length') ?? Number.POSITIVE_INFINITY);
  response.writeHead(200, {
    'content-type': gateway
      ? (gateway === 'pinata' ? pinataContentType : gatewayContentType)(path, await sniff(entry))
      : 'application/octet-stream',
    'content-length': String(length),
    'x-content-length': String(size),
    etag: `"${entry.cid}"`,
    'x-ipfs-path': `/ipfs/${path.replace(/^\/?ipfs\//, '')}`,
    'cache-control': 'public, max-age=29030400, immutable',
  });
  if (head) {
    response.end();
    return;
  }
  // The store reads a few blocks ahead of the response, never the whole range: a slow client holds little memory.
  await stream(entry.content({ offset, length }), response);
}

/** The importer options of an `add` request's query, checked like Kubo checks them. */
function addOptions(query: URLSearchParams): AddOptions {
  const chunk = /^size-(\d+)$/.exec(query.get('chunker') ?? 'size-262144');
  // Kubo's limits: a chunk of 1 byte to 1 MiB.
  if (!chunk || Number(chunk[1]) < 1 || Number(chunk[1]) > 1024 * 1024)
    throw new NosanaError(
      'LOCALNET__IPFS_BAD_REQUEST',
      'only size-<bytes> chunkers from size-1 to size-1048576 are supported',
      { argument: 'chunker' },
    );
  if ((query.get('hash') ?? 'sha2-256') !== 'sha2-256')
    throw new NosanaError('LOCALNET__IPFS_BAD_REQUEST', 'only sha2-256 is supported', {
      argument: 'hash',
    });
  const cidVersion = Number(query.get('cid-version') ?? 0) === 1 ? 1 : 0;
  return {
    cidVersion,
    chunkSize: Number(chunk[1]),
    wrapWithDirectory: flag(query, 'wrap-with-directory', false),
    onlyHash: flag(query, 'only-hash', false),
    pin: flag(query, 'pin', true),
    ...(query.has('raw-leaves') ? { rawLeaves: flag(query, 'raw-leaves', false) } : {}),
  };
}

/** `add`: the multipart body's parts are imported as they stream in; one JSON line per added entry. */
async function add(
  store: ContentStore,
  maxBodyBytes: number,
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  const options = addOptions(query);
  const parts = multipart(request, maxBodyBytes);
  for await (const entry of store.add(parts, options)) {
    const name = entry.path || (options.wrapWithDirectory ? '' : entry.cid.toString());
    // The status is only known when the first entry is: a malformed or oversized first part answers 400/413.
    if (!response.headersSent)
      response.writeHead(200, { 'content-type': 'application/json', 'x-chunked-output': '1' });
    response.write(
      `${JSON.stringify({ Name: name, Hash: entry.cid.toString(), Size: entry.size.toString() })}\n`,
    );
  }
  if (!response.headersSent) response.writeHead(200, { 'content-type': 'application/json' });
  response.end();
}

/** `get`: a file or directory as a tar archive rooted at the path's last segment (as Kubo). */
async function get(store: ContentStore, response: ServerResponse, query: URLSearchParams): Promise<void> {
  const path = argument(query).replace(/^\/?ipfs\//, '');
  const root = await store.resolve(path);
  const rootName = path.split('/').filter(Boolean).at(-1)!;
  const tar = pack();
  response.writeHead(200, { 'content-type': 'application/x-tar', 'x-stream-output': '1' });
  Readable.from(tar as unknown as AsyncIterable<Buffer>).pipe(response);
  const write = async (entry: typeof root, name: string) => {
    if (entry.type === 'directory') {
      tar.entry({ name, type: 'directory', mode: 0o755 });
      for await (const child of entry.entries())
        await write(await store.resolve(`${entry.cid}/${child.name}`), `${name}/${child.name}`);
      return;
    }
    if (entry.type !== 'file' && entry.type !== 'raw') return;
    const chunks: Uint8Array[] = [];
    for await (const chunk of entry.content()) chunks.push(chunk);
    tar.entry({ name, mode: 0o644 }, Buffer.concat(chunks));
  };
  await write(root, rootName);
  tar.finalize();
}

type Route = (request: IncomingMessage, response: ServerResponse, query: URLSearchParams) => Promise<void>;

/** The Kubo RPC commands, by name. */
function apiRoutes(store: ContentStore, maxBodyBytes: number): Record<IpfsApiCommand, Route> {
  return {
    version: async (_, response) =>
      json(response, 200, {
        Version: '0.0.0-nosana-localnet',
        Commit: '',
        Repo: '0',
        System: `${process.arch}/${process.platform}`,
        Golang: '',
      }),
    id: async (_, response) =>
      json(response, 200, {
        ID: PEER_ID,
        PublicKey: '',
        Addresses: [],
        AgentVersion: 'nosana-localnet',
        Protocols: [],
      }),
    add: (request, response, query) => add(store, maxBodyBytes, request, response, query),
    cat: (_, response, query) => cat(store, argument(query), query, response),
    get: (_, response, query) => get(store, response, query),
    'pin/add': async (_, response, query) => {
      const cid = cidOf(argument(query));
      await store.pin(cid);
      json(response, 200, { Pins: [cid.toString()] });
    },
    'pin/rm': async (_, response, query) => {
      const cid = cidOf(argument(query));
      store.unpin(cid);
      json(response, 200, { Pins: [cid.toString()] });
    },
    'pin/ls': async (_, response, query) => {
      const filter = query.get('arg');
      const keys = store.pins().filter((cid) => !filter || cid === cidOf(filter).toString());
      if (filter && keys.length === 0)
        throw new NosanaError('LOCALNET__IPFS_NOT_FOUND', `path '${filter}' is not pinned`, { cid: filter });
      json(response, 200, { Keys: Object.fromEntries(keys.map((cid) => [cid, { Type: 'recursive' }])) });
    },
  };
}

/**
 * The read-only gateway: `GET|HEAD /ipfs/<cid>[/path]` with Kubo's content types, `/pinata/ipfs/<cid>[/path]` with
 * Pinata's (JSON as `application/json`); a directory as an HTML listing.
 */
async function gateway(
  store: ContentStore,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const flavour = url.pathname.startsWith('/pinata/') ? 'pinata' : 'kubo';
  const path = decodeURIComponent(
    url.pathname.slice(flavour === 'pinata' ? '/pinata/ipfs/'.length : '/ipfs/'.length),
  );
  const entry = await store.resolve(path);
  if (entry.type !== 'directory')
    return cat(store, path, url.searchParams, response, {
      head: request.method === 'HEAD',
      gateway: flavour,
    });
  const links: string[] = [];
  for await (const child of entry.entries())
    links.push(`<li><a href="/ipfs/${path}/${child.name}">${child.name}</a></li>`);
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', etag: `"${entry.cid}"` });
  response.end(
    request.method === 'HEAD'
      ? undefined
      : `<!doctype html><title>/ipfs/${path}</title><ul>${links.join('')}</ul>\n`,
  );
}

/** Whether a path is the gateway's (Kubo's or Pinata's flavour). */
const isGatewayPath = (pathname: string) =>
  pathname.startsWith('/ipfs/') || pathname.startsWith('/pinata/ipfs/');

/** A 413 before reading a body whose declared length is over the limit. */
function tooLarge(maxBodyBytes: number, request: IncomingMessage, response: ServerResponse): boolean {
  if (Number(request.headers['content-length'] ?? 0) <= maxBodyBytes) return false;
  response.setHeader('connection', 'close');
  fail(
    response,
    413,
    `the request body is larger than ${maxBodyBytes} bytes — add smaller files, or start the localnet with a larger maxIpfsBodyBytes`,
  );
  return true;
}

/** The HTTP answer to an error a request raised: coded errors to their status, anything else 500. */
function answerError(error: unknown, response: ServerResponse, url: URL): void {
  if (isNosanaError(error, 'LOCALNET__IPFS_NOT_FOUND'))
    fail(response, isGatewayPath(url.pathname) ? 404 : 500, error.message);
  else if (isNosanaError(error, 'LOCALNET__IPFS_BAD_REQUEST')) fail(response, 400, error.message);
  else if (isNosanaError(error, 'LOCALNET__IPFS_BODY_TOO_LARGE')) {
    response.setHeader('connection', 'close');
    fail(response, 413, error.message);
  } else fail(response, 500, (error as Error).message);
}

/** The request handler: Pinata's endpoints, the Kubo RPC API, the gateway. */
function requestHandler(store: ContentStore, maxBodyBytes: number) {
  const routes = apiRoutes(store, maxBodyBytes);
  const pinata = createPinataRoutes({ store, maxBodyBytes });
  return async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      if (url.pathname.startsWith('/pinning/') || url.pathname.startsWith('/data/')) {
        if (tooLarge(maxBodyBytes, request, response)) return;
        if (await pinata(request, response, url.pathname)) return;
        return fail(response, 404, `Pinata endpoint not supported by the Nosana localnet: ${url.pathname}`);
      }
      if (url.pathname.startsWith('/api/v0/')) {
        if (request.method !== 'POST') return fail(response, 405, '405 - Method Not Allowed');
        if (tooLarge(maxBodyBytes, request, response)) return;
        const command = url.pathname.slice('/api/v0/'.length);
        const route = Object.hasOwn(routes, command) ? routes[command as IpfsApiCommand] : undefined;
        if (!route)
          return fail(response, 404, `command not supported by the Nosana localnet: ${url.pathname}`);
        return await route(request, response, url.searchParams);
      }
      if (isGatewayPath(url.pathname) && (request.method === 'GET' || request.method === 'HEAD'))
        return await gateway(store, request, response, url);
      fail(response, 404, 'not found');
    } catch (error) {
      answerError(error, response, url);
    }
  };
}

/** Listens on `host:port`, with the localnet's errors for a port in use or a host that cannot be bound. */
async function listen(server: Server, host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE') throw listenFailed(host, port, error);
    throw new NosanaError(
      'LOCALNET__PORT_IN_USE',
      `IPFS port ${port} on ${host} is in use — stop what uses it (a Kubo daemon?) or choose another port (ipfsPort / --ipfs-port; 0 picks a free one)`,
      { port },
      { cause: error },
    );
  });
}

/**
 * Serves a content store over the Kubo RPC API subset and a gateway.
 *
 * @example
 * ```ts
 * const ipfs = await startIpfsServer({ store: await openContentStore({ dir }), port: 0 });
 * const kubo = create({ url: ipfs.apiUrl }); // kubo-rpc-client
 * ```
 */
export async function startIpfsServer({
  store,
  port = 5001,
  host = '127.0.0.1',
  maxBodyBytes = DEFAULT_MAX_IPFS_BODY_BYTES,
}: StartIpfsServerParameters): Promise<IpfsServer> {
  const server = createServer(requestHandler(store, maxBodyBytes));
  // Clients keep connections alive for about 4 s (undici, which kubo-rpc-client uses); a server that closes idle
  // connections after its default 5 s races them on a loaded machine (a request sent on a socket being closed:
  // ECONNRESET). Idle connections stay open for a minute, longer than any client keeps them.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  await listen(server, host, port);
  const actual = (server.address() as AddressInfo).port;
  const base = `http://${host}:${actual}`;
  return {
    apiUrl: base,
    gatewayUrl: base,
    port: actual,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
