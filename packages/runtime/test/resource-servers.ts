/**
 * Servers the resource download tests start on loopback (a test helper, neither a test file nor published): a
 * plain file server, an S3-compatible bucket server (path-style ListObjectsV2 and GetObject, SigV4 credentials
 * required when asked) and a Hugging Face-like hub (tree listing, `resolve` redirecting to a CDN path). Each
 * records the requests it received, so tests can assert that a refused download asked nothing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  port: number;
  /** `METHOD path` of every request, in order. */
  requests: Array<{ path: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

export async function startServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  host = '127.0.0.1',
): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server: Server = createServer((request, response) => {
    requests.push({ path: request.url ?? '', headers: request.headers });
    handler(request, response);
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
 * keys no real bucket would hold. With `credential`, requests without a SigV4 `Authorization` of that access key
 * are refused with 403.
 */
export function startS3Server(
  objects: Record<string, Record<string, string | Buffer>>,
  options: { pageSize?: number; credential?: string } = {},
): Promise<TestServer> {
  const pageSize = options.pageSize ?? 1000;
  return startServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://s3.local');
    if (
      options.credential &&
      !String(request.headers.authorization ?? '').startsWith(
        `AWS4-HMAC-SHA256 Credential=${options.credential}/`,
      )
    ) {
      response.writeHead(403).end('<Error><Code>AccessDenied</Code></Error>');
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
