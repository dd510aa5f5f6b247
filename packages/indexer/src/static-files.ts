/** Serves the explorer's built files from a web root: never outside it; client-side routes get `index.html`. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { decodePath, SECURITY_HEADERS } from './http.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

/**
 * A static file handler over `webRoot`: answers and returns true when it served the path, false otherwise.
 *
 * @example
 * ```ts
 * const serveStatic = createStaticFiles('/srv/explorer');
 * if (!serveStatic(res, '/job/abc')) notFound();
 * ```
 */
export function createStaticFiles(
  webRoot: string,
  /** API paths the app's page at a path requests first, announced as preloads with `index.html`. */
  preloads: (path: string) => string[] = () => [],
): (res: ServerResponse, path: string) => boolean {
  return (res, path) => {
    const relative = normalize(decodePath(path)).replace(/^([/\\])+/, '');
    let file = join(webRoot, relative);
    if (!file.startsWith(webRoot + sep) && file !== webRoot) return false;
    let page = false;
    if (!existsSync(file) || !statSync(file).isFile()) {
      // Client-side routes (`/job/…`) get the app; missing assets get a 404.
      if (extname(relative)) return false;
      file = join(webRoot, 'index.html');
      if (!existsSync(file)) return false;
      page = true;
    }
    // `crossorigin`: the app's fetch() is CORS mode, same-origin credentials, which a preload must match to be used.
    const links = page ? preloads(path).map((url) => `<${url}>; rel=preload; as=fetch; crossorigin`) : [];
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      ...(links.length ? { link: links.join(', ') } : {}),
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': file.includes(`${sep}assets${sep}`)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
    if (res.req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  };
}
