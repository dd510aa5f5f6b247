/**
 * Resource downloads: files an op needs (model weights, datasets) fetched before it starts and copied into its
 * container at `target`. URL, Hugging Face and S3 (public, the Nosana model mirror, or signed with the op's
 * credentials) are supported. Resources are hostile: every file name must stay inside the download directory
 * (checked before anything is written), every connection must go to a public address unless the operator allows
 * more (checked at each redirect and on the connected socket), and each resource is size-capped, time-limited
 * and checksummed when a sha256 is given.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNosanaError, NosanaError, type Resource } from '@nosana/core';
import { AwsClient } from 'aws4fetch';
import { type AddressPolicy, createAddressPolicy } from './address-policy.js';
import {
  AddressRefusedError,
  createHttpAgents,
  type HttpResponse,
  httpGet,
  type Resolver,
} from './http-get.js';
import { checkDefinedNames, type PlannedFile, planResource, UnsafeNameError } from './plan.js';
import { createFileInside } from './safe-path.js';
import '../errors.js';

/** Where downloads go and how they are made (injectable for tests). */
export interface DownloadOptions {
  /**
   * Requests go through this `fetch` instead of the built-in transport. Redirects are still followed and checked
   * here, and names are resolved and checked before each request, but the address the connection ends up using
   * is only checked by the built-in transport: leave this unset on hosts.
   */
  fetch?: typeof fetch;
  /** Default https://huggingface.co. */
  huggingFaceUrl?: string;
  /** Public HTTP origin of the Nosana model mirror (`s3://nos-ai-models-qllsn32u/…`). Default https://models.nosana.io. */
  nosanaModelsUrl?: string;
  /** S3 endpoint for a bucket. Default `https://<bucket>.s3.amazonaws.com`. */
  s3Endpoint?: (bucket: string, region?: string) => string;
  /** Refuse more than this many bytes per resource (all its files together). Default 200 GiB. */
  maxBytes?: number;
  signal?: AbortSignal;
  /**
   * Non-public addresses downloads may connect to: CIDRs (`10.0.0.0/8`, `fd00::/8`), addresses (`127.0.0.1`) or host
   * names (`minio.lan`, allowing whatever it resolves to). Default none: loopback, private (RFC 1918), CGNAT,
   * link-local (cloud metadata), ULA, multicast, unspecified and reserved addresses are refused.
   */
  allow?: readonly string[];
  /** Resolves host names (default `dns.lookup`); every answer is checked against the policy. */
  resolve?: Resolver;
  /** Redirects followed per request, each re-checked. Default 5. */
  maxRedirects?: number;
  /** The whole resource (listings and every file) must be downloaded within this time. Default 4 hours. */
  timeoutMs?: number;
  /** A request that receives nothing for this long fails. Default 60 s. */
  idleTimeoutMs?: number;
  /** Most files per resource. Default 10,000. */
  maxFiles?: number;
  /** Parent of the temporary download directories. Default the OS temporary directory. */
  scratchDir?: string;
}

/** Downloaded files, ready to copy into a container. */
export interface DownloadedResource {
  /** Absolute directory inside the container. */
  directory: string;
  files: Array<{ name: string; path: string; size: number }>;
  /** Removes the temporary files. */
  cleanup(): void;
}

const DEFAULT_MAX_BYTES = 200 * 1024 ** 3;
const DEFAULT_TIMEOUT_MS = 4 * 3600_000;
const MAX_LISTING_BYTES = 64 * 1024 ** 2;

/**
 * Downloads a resource into a temporary directory. Throws `RUNTIME__RESOURCE_UNSAFE_PATH` when a file name (from
 * the definition or a listing) could leave the download directory, `RUNTIME__RESOURCE_ADDRESS_REFUSED` when a
 * request would reach a non-public address the operator did not allow, `RUNTIME__RESOURCE_FAILED` otherwise; in
 * every case nothing is left on disk.
 *
 * @example
 * ```ts
 * const downloaded = await downloadResource({ type: 'URL', url: 'https://example.com/model.bin', target: '/models/model.bin' }, 'main');
 * // a test server on loopback must be allowed explicitly:
 * await downloadResource({ type: 'URL', url: 'http://127.0.0.1:8080/m.bin', target: '/m.bin' }, 'main', { allow: ['127.0.0.1'] });
 * ```
 */
export async function downloadResource(
  resource: Resource,
  op: string,
  options: DownloadOptions = {},
): Promise<DownloadedResource> {
  const described = redactUrls(describe(resource));
  const failed = (reason: string, cause?: unknown) =>
    new NosanaError(
      'RUNTIME__RESOURCE_FAILED',
      `op "${op}": resource ${described} failed: ${redactUrls(reason)}`,
      { op, resource: described, reason: redactUrls(reason) },
      cause ? { cause } : {},
    );
  if (resource.type === 'Ollama')
    throw new NosanaError(
      'RUNTIME__RESOURCE_FAILED',
      `op "${op}": Ollama resources are pulled by the Ollama service itself on first use; this runtime does not pre-pull ${resource.model}`,
      { op, resource: described, reason: 'not supported by this runtime' },
    );
  let policy: AddressPolicy;
  try {
    policy = createAddressPolicy({ allow: options.allow ?? [] });
  } catch (error) {
    throw failed(`the host's download allow list is invalid: ${(error as Error).message}`, error);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const agents = createHttpAgents();
  const signer =
    resource.type === 'S3' && resource.IAM
      ? new AwsClient({
          accessKeyId: resource.IAM.ACCESS_KEY_ID,
          secretAccessKey: resource.IAM.SECRET_ACCESS_KEY,
          region: resource.IAM.REGION,
          service: 's3',
        })
      : undefined;
  const get = async (url: string, init: { headers?: Record<string, string>; sign?: boolean } = {}) => {
    let headers = init.headers ?? {};
    if (init.sign && signer)
      headers = Object.fromEntries((await signer.sign(url, { method: 'GET' })).headers.entries());
    return httpGet({
      url,
      headers,
      policy,
      agents,
      signal,
      ...(options.resolve ? { resolve: options.resolve } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.maxRedirects !== undefined ? { maxRedirects: options.maxRedirects } : {}),
      ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    });
  };

  let scratch: string | undefined;
  const cleanup = () => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
  try {
    checkDefinedNames(resource);
    const plan = await planResource(resource, {
      get,
      huggingFaceUrl: options.huggingFaceUrl ?? 'https://huggingface.co',
      nosanaModelsUrl: options.nosanaModelsUrl ?? 'https://models.nosana.io',
      ...(options.s3Endpoint ? { s3Endpoint: options.s3Endpoint } : {}),
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
      maxFiles: options.maxFiles ?? 10_000,
      maxListingBytes: MAX_LISTING_BYTES,
    });
    scratch = mkdtempSync(join(options.scratchDir ?? tmpdir(), 'nosana-resource-'));
    const root = join(scratch, 'files');
    const files: DownloadedResource['files'] = [];
    let total = 0;
    for (const file of plan.files) {
      const response = await get(file.url, {
        ...(file.headers ? { headers: file.headers } : {}),
        ...(file.sign ? { sign: true } : {}),
      });
      const written = await writeBody(response, root, file, plan.maxBytes - total, plan.maxBytes);
      total += written.size;
      files.push(written);
    }
    return { directory: plan.directory, files, cleanup };
  } catch (error) {
    cleanup();
    if (error instanceof UnsafeNameError) throw unsafePath(error, op, described);
    if (error instanceof AddressRefusedError)
      throw new NosanaError(
        'RUNTIME__RESOURCE_ADDRESS_REFUSED',
        `op "${op}": resource ${described} was refused: ${redactUrls(error.message)}. Resources are downloaded from public addresses only; a host operator can allow more with the download allow list`,
        { op, resource: described, url: redactUrls(error.url), address: error.address, reason: error.reason },
        { cause: error },
      );
    if (isNosanaError(error)) throw error;
    if (timeout.aborted) throw failed(`not downloaded within ${timeoutMs / 1000} s`, error);
    throw failed((error as Error).message, error);
  } finally {
    agents.destroy();
  }
}

/**
 * `text` with the credentials URLs may carry removed: user and password, and query strings (pre-signed URLs):
 * errors end up in job results, which are public.
 */
const redactUrls = (text: string) =>
  text.replace(
    /\b(https?:\/\/)(?:[^\s/@?#]*@)?([^\s?#]*)(\?[^\s#]*)?/g,
    (_, scheme: string, rest: string, query?: string) => `${scheme}${rest}${query ? '?…' : ''}`,
  );

const unsafePath = (error: UnsafeNameError, op: string, resource: string) =>
  new NosanaError(
    'RUNTIME__RESOURCE_UNSAFE_PATH',
    `op "${op}": resource ${resource} was refused: ${redactUrls(error.message)}. File names must be relative paths that stay inside the target (no "..", no leading "/", no control characters); fix the definition or the listing`,
    { op, resource, name: error.fileName.slice(0, 1024), reason: error.reason },
    { cause: error },
  );

/**
 * Checks the file names a resource's definition names, with no request and nothing written: call it before
 * creating an op's container, so that a definition refused for its names costs nothing. Names that listings
 * answer are checked by {@link downloadResource}. Throws `RUNTIME__RESOURCE_UNSAFE_PATH`.
 *
 * @example
 * ```ts
 * checkResourceNames({ type: 'URL', url: 'https://example.com/m.bin', target: '/models/m.bin' }, 'main'); // fine
 * checkResourceNames({ type: 'S3', url: 's3://b/p', files: ['../../etc/x'], target: '/d' }, 'main'); // throws
 * ```
 */
export function checkResourceNames(resource: Resource, op: string): void {
  try {
    checkDefinedNames(resource);
  } catch (error) {
    if (error instanceof UnsafeNameError) throw unsafePath(error, op, redactUrls(describe(resource)));
    throw error;
  }
}

/** Writes a response body to the file for `file.name` under `root`, within `remaining` bytes; checks the sha256. */
async function writeBody(
  response: HttpResponse,
  root: string,
  file: PlannedFile,
  remaining: number,
  limit: number,
): Promise<{ name: string; path: string; size: number }> {
  if (response.status !== 200) {
    response.cancel();
    throw new Error(`${file.url} answered ${response.status}`);
  }
  const tooLarge = () => new Error(`${file.url} makes the resource larger than the ${limit} bytes allowed`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > remaining) {
    response.cancel();
    throw tooLarge();
  }
  const { path, fd } = createFileInside(root, file.name);
  const out = createWriteStream(path, { fd });
  const hash = file.sha256 ? createHash('sha256') : undefined;
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > remaining) {
        response.cancel();
        throw tooLarge();
      }
      hash?.update(chunk);
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  } finally {
    await new Promise<void>((resolve) => out.end(() => resolve()));
  }
  if (hash) {
    const actual = hash.digest('hex');
    if (actual !== file.sha256) throw new Error(`sha256 is ${actual}, expected ${file.sha256}`);
  }
  return { name: file.name, path, size };
}

function describe(resource: Resource): string {
  switch (resource.type) {
    case 'URL':
      return resource.url;
    case 'HF':
      return `hf:${resource.repo}`;
    case 'S3':
      return resource.url ?? resource.bucket ?? resource.buckets?.[0]?.url ?? 's3';
    case 'Ollama':
      return `ollama:${resource.model}`;
  }
}
