import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NosanaError } from '@nosana/core';
import { parseTemplateDocument } from './document.js';
import type { JobTemplate } from './types.js';
import './errors.js';

/** Default limits of a remote template source. */
export const TEMPLATE_SOURCE_LIMITS = Object.freeze({
  maxBytes: 1024 * 1024,
  timeoutMs: 10_000,
  maxTemplates: 200,
});

/** Options of {@link loadTemplateSource}. */
export interface LoadTemplateSourceParameters {
  /**
   * A local folder of `*.json` template files, or an `http(s)://` URL of a JSON index: an array of templates
   * or `{ "templates": [...] }` (e.g. a raw file in a Git repository). No other scheme is accepted.
   */
  source: string;
  /** Largest accepted response or file, in bytes (default 1 MiB). */
  maxBytes?: number;
  /** Give up on a remote source after this many milliseconds (default 10 s). */
  timeoutMs?: number;
  /** The fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
}

/**
 * Loads the templates of a community source. Every template is checked with {@link parseTemplateDocument}
 * (shape, and its rendered definition validated by `@nosana/core`); one bad template fails the whole source
 * with `TEMPLATES__INVALID_TEMPLATE`. A source refused as given (scheme, missing folder, too large, HTTP 4xx…)
 * throws `TEMPLATES__SOURCE_REFUSED`; one that does not answer (connection, timeout, HTTP 5xx)
 * `TEMPLATES__SOURCE_UNREACHABLE`.
 *
 * @example
 * ```ts
 * const templates = await loadTemplateSource({ source: 'https://raw.githubusercontent.com/acme/nosana-templates/main/index.json' });
 * ```
 */
export async function loadTemplateSource(parameters: LoadTemplateSourceParameters): Promise<JobTemplate[]> {
  const { source } = parameters;
  const maxBytes = parameters.maxBytes ?? TEMPLATE_SOURCE_LIMITS.maxBytes;
  const documents = /^[a-z][a-z0-9+.-]*:\/\//i.test(source)
    ? await fetchIndex(
        source,
        maxBytes,
        parameters.timeoutMs ?? TEMPLATE_SOURCE_LIMITS.timeoutMs,
        parameters.fetch ?? fetch,
      )
    : await readFolder(source, maxBytes);
  if (documents.length > TEMPLATE_SOURCE_LIMITS.maxTemplates)
    throw unavailable(
      source,
      `it lists ${documents.length} templates, more than ${TEMPLATE_SOURCE_LIMITS.maxTemplates}`,
    );
  const templates = documents.map((d) => parseTemplateDocument(d.value, d.where));
  const seen = new Set<string>();
  for (const t of templates) {
    if (seen.has(t.name))
      throw new NosanaError(
        'TEMPLATES__INVALID_TEMPLATE',
        `${source} has two templates named "${t.name}"; names must be unique`,
        {
          source,
          problems: [`duplicate name ${t.name}`],
        },
      );
    seen.add(t.name);
  }
  return templates;
}

interface Document {
  value: unknown;
  where: string;
}

async function readFolder(folder: string, maxBytes: number): Promise<Document[]> {
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => n.endsWith('.json')).sort();
  } catch (error) {
    throw unavailable(
      folder,
      `it is not a readable folder (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      error,
    );
  }
  const documents: Document[] = [];
  for (const name of names) {
    const path = join(folder, name);
    const info = await stat(path);
    if (!info.isFile()) continue;
    if (info.size > maxBytes)
      throw unavailable(path, `the file has ${info.size} bytes, more than ${maxBytes}`);
    documents.push({ value: parseJson(await readFile(path, 'utf8'), path), where: path });
  }
  if (documents.length === 0) throw unavailable(folder, 'the folder has no *.json template files');
  return documents;
}

async function fetchIndex(
  url: string,
  maxBytes: number,
  timeoutMs: number,
  fetcher: typeof fetch,
): Promise<Document[]> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw unavailable(url, 'it is not a valid URL', error);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw unavailable(url, `only http:// and https:// sources are accepted, not ${parsed.protocol}//`);
  const signal = AbortSignal.timeout(timeoutMs);
  let text: string;
  try {
    const response = await fetcher(parsed, { signal, headers: { accept: 'application/json' } });
    if (!response.ok)
      throw response.status >= 500
        ? unreachable(url, `the server answered HTTP ${response.status}`)
        : unavailable(url, `the server answered HTTP ${response.status}`);
    if (!/^https?:$/.test(new URL(response.url || url).protocol))
      throw unavailable(url, 'it redirected to a non-http(s) URL');
    text = await readLimited(response, maxBytes, url);
  } catch (error) {
    if (error instanceof NosanaError) throw error;
    const reason = signal.aborted
      ? `no complete answer within ${timeoutMs} ms`
      : `the request failed (${(error as Error).message})`;
    throw unreachable(url, reason, error);
  }
  const value = parseJson(text, url);
  const list = Array.isArray(value)
    ? value
    : value !== null &&
        typeof value === 'object' &&
        Array.isArray((value as { templates?: unknown }).templates)
      ? (value as { templates: unknown[] }).templates
      : null;
  if (!list) throw unavailable(url, 'the answer is neither an array of templates nor { "templates": [...] }');
  return list.map((item, i) => ({ value: item, where: `${url}#${i}` }));
}

async function readLimited(response: Response, maxBytes: number, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw unavailable(url, `the answer has ${declared} bytes, more than ${maxBytes}`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        await response.body.cancel().catch(() => undefined);
        throw unavailable(url, `the answer is larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new NosanaError(
      'TEMPLATES__INVALID_TEMPLATE',
      `${where} is not valid JSON: ${(error as Error).message}`,
      { source: where, problems: ['not JSON'] },
      { cause: error },
    );
  }
}

/** The source as given is refused (bad input). */
function unavailable(
  source: string,
  reason: string,
  cause?: unknown,
): NosanaError<'TEMPLATES__SOURCE_REFUSED'> {
  return new NosanaError(
    'TEMPLATES__SOURCE_REFUSED',
    `template source ${source} cannot be used: ${reason}. Give a folder of *.json templates or an http(s) URL of a JSON index`,
    { source, reason },
    cause === undefined ? {} : { cause },
  );
}

/** The remote source does not answer (network). */
function unreachable(
  source: string,
  reason: string,
  cause?: unknown,
): NosanaError<'TEMPLATES__SOURCE_UNREACHABLE'> {
  return new NosanaError(
    'TEMPLATES__SOURCE_UNREACHABLE',
    `template source ${source} did not answer: ${reason}. Check the URL and your connection, or try again later`,
    { source, reason },
    cause === undefined ? {} : { cause },
  );
}
