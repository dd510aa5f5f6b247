/**
 * The subset of Pinata's pinning API that clients of the Nosana network call (`POST /pinning/pinJSONToIPFS`,
 * `POST /pinning/pinFileToIPFS`, `GET /data/testAuthentication`), over the localnet's content store, so a client
 * configured for Pinata works when pointed at the localnet's IPFS API. Like the Kubo API next to it, it binds to
 * loopback and checks no credentials (any `Authorization` header is accepted).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NosanaError } from '@nosana/core';
import type { ImportCandidate } from 'ipfs-unixfs-importer';
import { multipart } from './multipart.js';
import type { ContentStore } from './store.js';
import '../errors.js';

/** The paths the Pinata-compatible API answers. */
export const PINATA_PATHS = [
  '/pinning/pinJSONToIPFS',
  '/pinning/pinFileToIPFS',
  '/data/testAuthentication',
] as const;

/** Pinata's answer to a pin: the root CID, its size in bytes and when it was pinned. */
export interface PinataPinResult {
  IpfsHash: string;
  PinSize: number;
  Timestamp: string;
}

const badRequest = (argument: string, message: string) =>
  new NosanaError('LOCALNET__IPFS_BAD_REQUEST', message, { argument });

/** The CID version asked for in `pinataOptions` (Pinata's default is 0). */
function cidVersionOf(options: unknown): 0 | 1 {
  if (options === undefined) return 0;
  const parsed = typeof options === 'string' ? parseOptions(options) : options;
  const version = (parsed as { cidVersion?: unknown } | null)?.cidVersion ?? 0;
  if (version !== 0 && version !== 1 && version !== '0' && version !== '1')
    throw badRequest(
      'pinataOptions',
      `pinataOptions.cidVersion must be 0 or 1, got ${JSON.stringify(version)}`,
    );
  return Number(version) as 0 | 1;
}

function parseOptions(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('pinataOptions', 'pinataOptions must be a JSON object, e.g. {"cidVersion":0}');
  }
}

/** Reads a whole request body, failing with `LOCALNET__IPFS_BODY_TOO_LARGE` past `maxBytes`. */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      request.resume();
      throw new NosanaError(
        'LOCALNET__IPFS_BODY_TOO_LARGE',
        `the request body is larger than ${maxBytes} bytes — pin smaller content, or start the localnet with a larger maxIpfsBodyBytes`,
        { limit: maxBytes },
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parameters of {@link createPinataRoutes}. */
export interface CreatePinataRoutesParameters {
  store: ContentStore;
  /** Largest request body in bytes. */
  maxBodyBytes: number;
}

/**
 * The Pinata-compatible request handler: answers the {@link PINATA_PATHS} and returns false for any other path.
 * Errors are thrown as `NosanaError`s (`LOCALNET__IPFS_BAD_REQUEST` → 400, `LOCALNET__IPFS_BODY_TOO_LARGE` → 413)
 * for the server to answer.
 *
 * @example
 * ```ts
 * const pinata = createPinataRoutes({ store, maxBodyBytes: 1024 ** 3 });
 * if (await pinata(request, response, url.pathname)) return;
 * ```
 */
export function createPinataRoutes({ store, maxBodyBytes }: CreatePinataRoutesParameters) {
  const pin = async (candidates: Parameters<ContentStore['add']>[0], cidVersion: () => 0 | 1) => {
    let root: { cid: string; size: number } | undefined;
    for await (const entry of store.add(candidates, { cidVersion: 0, pin: true }))
      root = { cid: entry.cid.toString(), size: Number(entry.size) };
    if (!root) throw badRequest('file', 'the body has no file — send it in a part named "file"');
    // The options may follow the file in the form: a CIDv1 is made from the stored bytes once they are known.
    if (cidVersion() === 1) {
      const stored = await store.resolve(root.cid);
      const content = stored.type === 'file' || stored.type === 'raw' ? stored.content() : undefined;
      if (!content) throw badRequest('pinataOptions', 'cidVersion 1 is supported for a single file only');
      for await (const entry of store.add([{ content }], { cidVersion: 1, pin: true }))
        root = { cid: entry.cid.toString(), size: Number(entry.size) };
    }
    return root;
  };
  const answer = (response: ServerResponse, root: { cid: string; size: number }) => {
    const result: PinataPinResult = {
      IpfsHash: root.cid,
      PinSize: root.size,
      Timestamp: new Date().toISOString(),
    };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(result));
  };

  return async (request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean> => {
    if (!(PINATA_PATHS as readonly string[]).includes(path)) return false;
    if (path === '/data/testAuthentication') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ message: 'Congratulations! You are communicating with the Pinata API!' }),
      );
      return true;
    }
    if (request.method !== 'POST') throw badRequest('method', `${path} takes a POST request`);
    if (path === '/pinning/pinJSONToIPFS') {
      const text = (await readBody(request, maxBodyBytes)).toString('utf8');
      let body: { pinataContent?: unknown; pinataOptions?: unknown };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        throw badRequest('body', 'the body must be JSON: {"pinataContent": <the JSON to pin>}');
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body))
        throw badRequest('body', 'the body must be a JSON object: {"pinataContent": <the JSON to pin>}');
      // Like Pinata, a body without `pinataContent` is itself the content (the published @nosana/sdk sends that).
      const wrapped = body.pinataContent !== undefined;
      const version = wrapped ? cidVersionOf(body.pinataOptions) : 0;
      const bytes = new TextEncoder().encode(JSON.stringify(wrapped ? body.pinataContent : body));
      answer(response, await pin([{ content: bytes }], () => version));
      return true;
    }
    let options: unknown;
    const parts = multipart(request, maxBodyBytes, (name, value) => {
      if (name === 'pinataOptions') options = value;
    });
    // Pinata names the root after the file; the content's CID is the same, so the path is dropped for one file.
    async function* files(): AsyncGenerator<ImportCandidate> {
      for await (const part of parts) yield part.path?.includes('/') ? part : { ...part, path: '' };
    }
    answer(response, await pin(files(), () => cidVersionOf(options)));
    return true;
  };
}
