/**
 * Servers the resource download tests start on loopback (a test helper, neither a test file nor published): a
 * plain file server, an S3-compatible bucket server (path-style ListObjectsV2 and GetObject, SigV4 credentials
 * required when asked) and a Hugging Face-like hub (tree listing, `resolve` redirecting to a CDN path). Each
 * records the requests it received, so tests can assert that a refused download asked nothing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsV4Signer } from 'aws4fetch';

export interface TestServer {
  url: string;
  port: number;
  /** `METHOD path` of every request, in order. */
  requests: Array<{ path: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

export async function startServer(
  handler: (request: IncomingMessage, response: ServerResponse) => unknown,
  host = '127.0.0.1',
): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server: Server = createServer((request, response) => {
    requests.push({ path: request.url ?? '', headers: request.headers });
    Promise.resolve(handler(request, response)).catch((error: Error) =>
      response.writeHead(500).end(error.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * An S3-compatible server: `GET /<bucket>/?list-type=2&prefix=…` lists (`pageSize` keys a page, with continuation
 * tokens), `GET /<bucket>/<key>` reads. `objects` maps bucket → key → body; listed keys may be anything, even
 * keys no real bucket would hold. With `credentials`, every request must carry a SigV4 `Authorization` header
 * that these credentials reproduce (computed again here from the request), or it gets a 403.
 */
export function startS3Server(
  objects: Record<string, Record<string, string | Buffer>>,
  options: {
    pageSize?: number;
    credentials?: { accessKeyId: string; secretAccessKey: string; region: string };
  } = {},
): Promise<TestServer> {
  const pageSize = options.pageSize ?? 1000;
  return startServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://s3.local');
    if (options.credentials && !(await signatureMatches(request, options.credentials))) {
      response.writeHead(403).end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
      return;
    }
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const keys = objects[bucket];
    if (!keys) {
      response.writeHead(404).end('<Error><Code>NoSuchBucket</Code></Error>');
      return;
    }
    if (rest.join('/') === '' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const matching = Object.keys(keys)
        .filter((k) => k.startsWith(prefix))
        .sort();
      const start = Number(url.searchParams.get('continuation-token') ?? '0');
      const page = matching.slice(start, start + pageSize);
      const truncated = start + pageSize < matching.length;
      response
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(
          `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix>${page
            .map(
              (k) =>
                `<Contents><Key>${xmlEscape(k)}</Key><Size>${Buffer.byteLength(keys[k]!)}</Size></Contents>`,
            )
            .join('')}<IsTruncated>${truncated}</IsTruncated>${
            truncated ? `<NextContinuationToken>${start + pageSize}</NextContinuationToken>` : ''
          }</ListBucketResult>`,
        );
      return;
    }
    const key = rest.map(decodeURIComponent).join('/');
    const body = keys[key];
    if (body === undefined) response.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
    else response.writeHead(200, { 'content-length': String(Buffer.byteLength(body)) }).end(body);
  });
}

/** Does the request's SigV4 `Authorization` match the one these credentials give for the same request? */
async function signatureMatches(
  request: IncomingMessage,
  credentials: { accessKeyId: string; secretAccessKey: string; region: string },
): Promise<boolean> {
  const authorization = String(request.headers.authorization ?? '');
  const signed = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  const datetime = String(request.headers['x-amz-date'] ?? '');
  if (!signed.includes('host') || !datetime) return false;
  const headers: Record<string, string> = {};
  for (const name of signed) if (name !== 'host') headers[name] = String(request.headers[name] ?? '');
  const expected = await new AwsV4Signer({
    method: request.method ?? 'GET',
    url: `http://${request.headers.host}${request.url}`,
    headers,
    ...credentials,
    service: 's3',
    datetime,
  }).authHeader();
  return expected === authorization;
}

/**
 * A Hugging Face-like hub: `GET /api/models/<repo>/tree/<revision>?recursive=1` answers `listing` (as given, even
 * hostile), `GET /<repo>/resolve/<revision>/<path>` redirects to `/cdn/<path>`, which answers `files[path]`.
 */
export function startHubServer(
  repo: string,
  listing: Array<{ type: string; path: string }>,
  files: Record<string, string>,
): Promise<TestServer> {
  return startServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://hub.local');
    if (url.pathname === `/api/models/${repo}/tree/main`) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(listing));
      return;
    }
    const resolvePrefix = `/${repo}/resolve/main/`;
    if (url.pathname.startsWith(resolvePrefix)) {
      response.writeHead(302, { location: `/cdn/${url.pathname.slice(resolvePrefix.length)}` }).end();
      return;
    }
    const path = decodeURIComponent(url.pathname.slice('/cdn/'.length));
    if (url.pathname.startsWith('/cdn/') && files[path] !== undefined)
      response.writeHead(200).end(files[path]);
    else response.writeHead(404).end();
  });
}
