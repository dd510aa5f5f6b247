/**
 * What a resource downloads: the list of files (name under the target, URL, how to authenticate), read from the
 * definition and, for whole S3 prefixes and Hugging Face repositories, from their listings. Every name is checked
 * here, before anything is written, so a resource with one bad name (in the definition or in a listing) is
 * refused whole and costs nothing.
 */
import { posix } from 'node:path';
import type { HFResource, Resource, S3Resource, URLResource } from '@nosana/core';
import type { HttpResponse } from './http-get.js';
import { nameConflict, unsafeNameReason } from './safe-path.js';

/** One file to download. */
export interface PlannedFile {
  /** Relative path under the resource's directory (checked). */
  name: string;
  url: string;
  headers?: Record<string, string>;
  /** Sign the request with the resource's S3 credentials. */
  sign?: boolean;
  sha256?: string;
}

/** The files of a resource and the directory (inside the container) they go to. */
export interface ResourcePlan {
  directory: string;
  files: PlannedFile[];
  /** Bytes allowed for the whole resource. */
  maxBytes: number;
}

/** A name that cannot be used, with where it came from. */
export class UnsafeNameError extends Error {
  constructor(
    readonly fileName: string,
    readonly reason: string,
    readonly origin: string,
  ) {
    super(`file name ${JSON.stringify(fileName.slice(0, 300))} (${origin}) ${reason}`);
    this.name = 'UnsafeNameError';
  }
}

/** What planning needs from the outside. */
export interface PlanContext {
  /** GET under the address policy; `sign` signs it with the resource's S3 credentials. */
  get(url: string, init?: { headers?: Record<string, string>; sign?: boolean }): Promise<HttpResponse>;
  huggingFaceUrl: string;
  nosanaModelsUrl: string;
  s3Endpoint?: (bucket: string, region?: string) => string;
  maxBytes: number;
  maxFiles: number;
  /** Largest listing response read, in bytes. */
  maxListingBytes: number;
}

const NOSANA_MIRROR_BUCKET = 'nos-ai-models-qllsn32u';
/** Hugging Face repository ids: `name` or `owner/name`. */
const HF_REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

const check = (name: string, origin: string): string => {
  const reason = unsafeNameReason(name);
  if (reason) throw new UnsafeNameError(name, reason, origin);
  return name;
};

/**
 * The checked list of files of a URL, Hugging Face or S3 resource (listings fetched through `context.get`).
 *
 * @example
 * ```ts
 * const plan = await planResource({ type: 'HF', repo: 'gpt2', target: '/models' }, context);
 * ```
 */
export async function planResource(resource: Resource, context: PlanContext): Promise<ResourcePlan> {
  let plan: ResourcePlan;
  switch (resource.type) {
    case 'URL':
      plan = planUrl(resource, context);
      break;
    case 'HF':
      plan = await planHuggingFace(resource, context);
      break;
    case 'S3':
      plan = await planS3(resource, context);
      break;
    default:
      throw new Error(`${resource.type} resources are not downloaded by this runtime`);
  }
  if (plan.files.length > context.maxFiles)
    throw new Error(`${plan.files.length} files, more than the ${context.maxFiles} allowed per resource`);
  const conflict = nameConflict(plan.files.map((f) => f.name));
  if (conflict) throw new UnsafeNameError(conflict.name, conflict.reason, 'the files of this resource');
  return plan;
}

/**
 * Checks the file names a resource's definition gives (a URL resource's target, `files` of S3 and Hugging Face
 * resources) without any request: what can be refused before a container is created. Names from listings are
 * checked by {@link planResource}. Throws {@link UnsafeNameError}.
 *
 * @example
 * ```ts
 * checkDefinedNames({ type: 'S3', url: 's3://b/p', files: ['../x'], target: '/d' }); // throws UnsafeNameError
 * ```
 */
export function checkDefinedNames(resource: Resource): void {
  const names: string[] = [];
  if (resource.type === 'URL')
    names.push(check(posix.basename(resource.target), 'the last segment of target'));
  if (resource.type === 'HF') names.push(...(resource.files ?? []).map((f, i) => check(f, `files[${i}]`)));
  if (resource.type === 'S3') {
    const sources = resource.buckets ?? [{ url: '', ...(resource.files ? { files: resource.files } : {}) }];
    for (const [s, source] of sources.entries())
      for (const [i, file] of (source.files ?? []).entries())
        names.push(check(file, `${resource.buckets ? `buckets[${s}]` : 'the resource'}.files[${i}]`));
  }
  const conflict = nameConflict(names);
  if (conflict) throw new UnsafeNameError(conflict.name, conflict.reason, 'the files of this resource');
}

function planUrl(resource: URLResource, context: PlanContext): ResourcePlan {
  const name = check(posix.basename(resource.target), 'the last segment of target');
  return {
    directory: posix.dirname(resource.target),
    files: [
      { name, url: resource.url, ...(resource.sha256 ? { sha256: resource.sha256.toLowerCase() } : {}) },
    ],
    maxBytes: Math.min(resource.max_bytes ?? context.maxBytes, context.maxBytes),
  };
}

/** A path as URL path segments. */
const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

async function planHuggingFace(resource: HFResource, context: PlanContext): Promise<ResourcePlan> {
  if (!HF_REPO.test(resource.repo) || resource.repo.split('/').some((s) => s === '..' || s === '.'))
    throw new Error(`repo ${JSON.stringify(resource.repo)} is not a Hugging Face repository id (owner/name)`);
  const base = context.huggingFaceUrl.replace(/\/+$/, '');
  const revision = encodeURIComponent(resource.revision ?? 'main');
  const headers: Record<string, string> = resource.accessToken
    ? { authorization: `Bearer ${resource.accessToken}` }
    : {};
  let paths: string[];
  if (resource.files) {
    paths = resource.files.map((f, i) => check(f, `files[${i}]`));
  } else {
    paths = [];
    let next: string | undefined = `${base}/api/models/${resource.repo}/tree/${revision}?recursive=1`;
    for (let page = 0; next; page++) {
      if (page > context.maxFiles)
        throw new Error(`the listing of ${resource.repo} has more pages than files allowed`);
      const listing = await context.get(next, { headers });
      if (listing.status !== 200) {
        listing.cancel();
        throw new Error(
          `listing ${resource.repo}@${resource.revision ?? 'main'} answered ${listing.status}${listing.status === 401 ? ' (a private repository needs accessToken)' : ''}`,
        );
      }
      const entries = JSON.parse(await readText(listing, context.maxListingBytes)) as unknown;
      if (!Array.isArray(entries)) throw new Error(`the listing of ${resource.repo} is not a JSON array`);
      for (const entry of entries as Array<{ type?: unknown; path?: unknown }>) {
        if (entry?.type !== 'file') continue;
        if (typeof entry.path !== 'string')
          throw new Error(`the listing of ${resource.repo} has a file without a path`);
        paths.push(check(entry.path, `the listing of ${resource.repo}`));
      }
      if (paths.length > context.maxFiles) break;
      next = nextLink(listing.headers.get('link'), next);
    }
  }
  return {
    directory: resource.target,
    files: paths.map((path) => ({
      name: path,
      url: `${base}/${resource.repo}/resolve/${revision}/${encodePath(path)}`,
      headers,
    })),
    maxBytes: context.maxBytes,
  };
}

/** The `rel="next"` URL of a `Link` header (Hugging Face paginates long listings), resolved against `current`. */
function nextLink(link: string | null, current: string): string | undefined {
  const match = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
  return match ? new URL(match[1]!, current).href : undefined;
}

async function planS3(resource: S3Resource, context: PlanContext): Promise<ResourcePlan> {
  const sources = resource.buckets ?? [
    { url: resource.url ?? `s3://${resource.bucket}`, ...(resource.files ? { files: resource.files } : {}) },
  ];
  const sign = resource.IAM !== undefined;
  const files: PlannedFile[] = [];
  for (const [s, source] of sources.entries()) {
    const { origin, prefix } = s3Location(source.url, resource.IAM?.REGION, context);
    const where = resource.buckets ? `buckets[${s}]` : 'the resource';
    let entries: Array<{ key: string; name: string }>;
    if (source.files) {
      entries = source.files.map((file, i) => {
        const name = check(file, `${where}.files[${i}]`);
        return { key: prefix ? `${prefix}/${name}` : name, name };
      });
    } else {
      entries = [];
      for (const key of await listS3(origin, prefix, source.url, sign, context)) {
        if (key.endsWith('/')) continue; // a "directory" marker
        let name: string;
        if (!prefix) name = key;
        else if (key === prefix) name = posix.basename(key);
        else if (key.startsWith(`${prefix}/`)) name = key.slice(prefix.length + 1);
        else
          throw new UnsafeNameError(key, `is outside the prefix "${prefix}"`, `the listing of ${source.url}`);
        entries.push({
          key,
          name: check(name, `the listing of ${source.url} (key ${JSON.stringify(key.slice(0, 300))})`),
        });
        if (entries.length > context.maxFiles) break;
      }
    }
    for (const { key, name } of entries) files.push({ name, url: `${origin}/${encodePath(key)}`, sign });
  }
  return { directory: resource.target, files, maxBytes: context.maxBytes };
}

async function listS3(
  origin: string,
  prefix: string,
  sourceUrl: string,
  sign: boolean,
  context: PlanContext,
): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    // an empty page that says it is truncated would otherwise be followed forever
    if (++pages > context.maxFiles + 1)
      throw new Error(`the listing of ${sourceUrl} has more pages than files allowed`);
    const query = new URLSearchParams({
      'list-type': '2',
      prefix: prefix ? `${prefix}/` : '',
      ...(token ? { 'continuation-token': token } : {}),
    });
    const listing = await context.get(`${origin}/?${query}`, { sign });
    if (listing.status !== 200) {
      listing.cancel();
      throw new Error(`listing ${sourceUrl} answered ${listing.status}`);
    }
    const xml = await readText(listing, context.maxListingBytes);
    keys.push(...[...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => decodeXml(m[1]!)));
    if (keys.length > context.maxFiles) break;
    token = /<IsTruncated>true<\/IsTruncated>/.test(xml)
      ? /<NextContinuationToken>([^<]+)</.exec(xml)?.[1]
      : undefined;
    if (token) token = decodeXml(token);
  } while (token);
  return keys;
}

/** An S3 URL (`s3://bucket/prefix`, or https) as an HTTP origin and a key prefix (no slashes around it). */
function s3Location(
  url: string,
  region: string | undefined,
  context: PlanContext,
): { origin: string; prefix: string } {
  if (url.startsWith('s3://')) {
    const [bucket, ...rest] = url.slice('s3://'.length).split('/');
    const prefix = rest.join('/').replace(/^\/+|\/+$/g, '');
    if (!bucket || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(bucket))
      throw new Error(`${url}: "${bucket}" is not an S3 bucket name`);
    if (bucket === NOSANA_MIRROR_BUCKET)
      return { origin: context.nosanaModelsUrl.replace(/\/+$/, ''), prefix };
    const origin = context.s3Endpoint
      ? context.s3Endpoint(bucket, region)
      : `https://${bucket}.s3.${region ? `${region}.` : ''}amazonaws.com`;
    return { origin: origin.replace(/\/+$/, ''), prefix };
  }
  const parsed = new URL(url);
  return { origin: parsed.origin, prefix: decodeURIComponent(parsed.pathname).replace(/^\/+|\/+$/g, '') };
}

const decodeXml = (text: string) =>
  text.replace(
    /&(amp|lt|gt|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g,
    (_, name: string, dec?: string, hex?: string) => {
      if (dec) return String.fromCodePoint(Number(dec));
      if (hex) return String.fromCodePoint(Number.parseInt(hex, 16));
      return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[name] ?? '';
    },
  );

/** A response body as text, refusing more than `limit` bytes. */
export async function readText(response: HttpResponse, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > limit) {
      response.cancel();
      throw new Error(`${response.url} answered more than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
