/**
 * Resource downloads: files an op needs (model weights, datasets) fetched before it starts and copied into its
 * container at `target`. URL, Hugging Face and S3 (public, the Nosana model mirror, or signed with the op's
 * credentials) are supported; every download is size-capped, and checksummed when a sha256 is given.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { NosanaError, type Resource } from '@nosana/core';
import { AwsClient } from 'aws4fetch';
import '../errors.js';

/** Where downloads go and how they are made (injectable for tests). */
export interface DownloadOptions {
  fetch?: typeof fetch;
  /** Default https://huggingface.co. */
  huggingFaceUrl?: string;
  /** Public HTTP origin of the Nosana model mirror (`s3://nos-ai-models-qllsn32u/…`). Default https://models.nosana.io. */
  nosanaModelsUrl?: string;
  /** S3 endpoint for a bucket. Default `https://<bucket>.s3.amazonaws.com`. */
  s3Endpoint?: (bucket: string, region?: string) => string;
  /** Refuse more than this many bytes per resource. Default 200 GiB. */
  maxBytes?: number;
  signal?: AbortSignal;
}

/** Downloaded files, ready to copy into a container. */
export interface DownloadedResource {
  /** Absolute directory inside the container. */
  directory: string;
  files: Array<{ name: string; path: string; size: number }>;
  /** Removes the temporary files. */
  cleanup(): void;
}

const NOSANA_MIRROR_BUCKET = 'nos-ai-models-qllsn32u';

/**
 * Downloads a resource into a temporary directory.
 *
 * @example
 * ```ts
 * const downloaded = await downloadResource({ type: 'URL', url: 'https://example.com/model.bin', target: '/models/model.bin' }, 'main');
 * ```
 */
export async function downloadResource(
  resource: Resource,
  op: string,
  options: DownloadOptions = {},
): Promise<DownloadedResource> {
  const scratch = mkdtempSync(join(tmpdir(), 'nosana-resource-'));
  const cleanup = () => rmSync(scratch, { recursive: true, force: true });
  const fail = (reason: string, cause?: unknown): never => {
    cleanup();
    throw new NosanaError(
      'RUNTIME__RESOURCE_FAILED',
      `op "${op}": resource ${describe(resource)} failed: ${reason}`,
      { op, resource: describe(resource), reason },
      cause ? { cause } : {},
    );
  };
  const maxBytes = options.maxBytes ?? 200 * 1024 ** 3;
  const get = async (
    url: string,
    name: string,
    init: RequestInit = {},
    limit = maxBytes,
    sha256?: string,
  ) => {
    const path = join(scratch, 'files', name);
    const size = await fetchToFile(options.fetch ?? fetch, url, path, init, limit, options.signal).catch(
      (error: Error) => fail(error.message, error),
    );
    if (sha256) {
      const actual = await fileSha256(path);
      if (actual !== sha256.toLowerCase()) fail(`sha256 is ${actual}, expected ${sha256.toLowerCase()}`);
    }
    return { name, path, size };
  };

  switch (resource.type) {
    case 'URL': {
      const file = await get(
        resource.url,
        posix.basename(resource.target),
        {},
        resource.max_bytes ?? maxBytes,
        resource.sha256,
      );
      return { directory: posix.dirname(resource.target), files: [file], cleanup };
    }
    case 'HF': {
      const base = (options.huggingFaceUrl ?? 'https://huggingface.co').replace(/\/+$/, '');
      const revision = resource.revision ?? 'main';
      const headers: Record<string, string> = resource.accessToken
        ? { authorization: `Bearer ${resource.accessToken}` }
        : {};
      let paths = resource.files;
      if (!paths) {
        const listing = await (options.fetch ?? fetch)(
          `${base}/api/models/${resource.repo}/tree/${revision}?recursive=1`,
          { headers, ...(options.signal ? { signal: options.signal } : {}) },
        ).catch((error: Error) => fail(error.message, error));
        if (!listing.ok)
          fail(
            `listing ${resource.repo}@${revision} answered ${listing.status}${listing.status === 401 ? ' (a private repository needs accessToken)' : ''}`,
          );
        paths = ((await listing.json()) as Array<{ type: string; path: string }>)
          .filter((e) => e.type === 'file')
          .map((e) => e.path);
      }
      const files = [];
      for (const path of paths)
        files.push(await get(`${base}/${resource.repo}/resolve/${revision}/${path}`, path, { headers }));
      return { directory: resource.target, files, cleanup };
    }
    case 'S3': {
      const sources = resource.buckets ?? [
        {
          url: resource.url ?? `s3://${resource.bucket}`,
          ...(resource.files ? { files: resource.files } : {}),
        },
      ];
      const client = resource.IAM
        ? new AwsClient({
            accessKeyId: resource.IAM.ACCESS_KEY_ID,
            secretAccessKey: resource.IAM.SECRET_ACCESS_KEY,
            region: resource.IAM.REGION,
            service: 's3',
          })
        : undefined;
      const request = (url: string) =>
        client
          ? client.fetch(url, options.signal ? { signal: options.signal } : {})
          : (options.fetch ?? fetch)(url, options.signal ? { signal: options.signal } : {});
      const files = [];
      for (const source of sources) {
        const { origin, prefix } = s3Location(source.url, resource.IAM?.REGION, options);
        let keys = source.files?.map((f) => posix.join(prefix, f));
        if (!keys) {
          keys = [];
          let token: string | undefined;
          do {
            const query = new URLSearchParams({
              'list-type': '2',
              prefix: prefix ? `${prefix.replace(/\/+$/, '')}/` : '',
              ...(token ? { 'continuation-token': token } : {}),
            });
            const listing = await request(`${origin}/?${query}`).catch((error: Error) =>
              fail(error.message, error),
            );
            if (!listing.ok) fail(`listing ${source.url} answered ${listing.status}`);
            const xml = await listing.text();
            keys.push(...[...xml.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => decodeXml(m[1]!)));
            token = /<IsTruncated>true<\/IsTruncated>/.test(xml)
              ? /<NextContinuationToken>([^<]+)</.exec(xml)?.[1]
              : undefined;
          } while (token);
        }
        for (const key of keys.filter((k) => !k.endsWith('/'))) {
          const name = prefix ? posix.relative(prefix.replace(/\/+$/, ''), key) || posix.basename(key) : key;
          const response = await request(
            `${origin}/${key.split('/').map(encodeURIComponent).join('/')}`,
          ).catch((error: Error) => fail(error.message, error));
          const path = join(scratch, 'files', name);
          const size = await streamToFile(response, path, maxBytes, `${source.url}/${key}`).catch(
            (error: Error) => fail(error.message, error),
          );
          files.push({ name, path, size });
        }
      }
      return { directory: resource.target, files, cleanup };
    }
    case 'Ollama':
      cleanup();
      throw new NosanaError(
        'RUNTIME__RESOURCE_FAILED',
        `op "${op}": Ollama resources are pulled by the Ollama service itself on first use; this runtime does not pre-pull ${resource.model}`,
        { op, resource: describe(resource), reason: 'not supported by this runtime' },
      );
  }
}

function describe(resource: Resource): string {
  switch (resource.type) {
    case 'URL':
      return resource.url;
    case 'HF':
      return `hf:${resource.repo}`;
    case 'S3':
      return resource.url ?? resource.bucket ?? 's3';
    case 'Ollama':
      return `ollama:${resource.model}`;
  }
}

/** An S3 URL (`s3://bucket/prefix`, or https) as an HTTP origin and a key prefix. */
function s3Location(
  url: string,
  region: string | undefined,
  options: DownloadOptions,
): { origin: string; prefix: string } {
  if (url.startsWith('s3://')) {
    const [bucket, ...rest] = url.slice('s3://'.length).split('/');
    const prefix = rest.join('/').replace(/\/+$/, '');
    if (bucket === NOSANA_MIRROR_BUCKET)
      return { origin: (options.nosanaModelsUrl ?? 'https://models.nosana.io').replace(/\/+$/, ''), prefix };
    const origin = options.s3Endpoint
      ? options.s3Endpoint(bucket!, region)
      : `https://${bucket}.s3.${region ? `${region}.` : ''}amazonaws.com`;
    return { origin: origin.replace(/\/+$/, ''), prefix };
  }
  const parsed = new URL(url);
  return { origin: parsed.origin, prefix: parsed.pathname.replace(/^\/+|\/+$/g, '') };
}

const decodeXml = (text: string) =>
  text
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'");

async function fetchToFile(
  fetcher: typeof fetch,
  url: string,
  path: string,
  init: RequestInit,
  limit: number,
  signal?: AbortSignal,
): Promise<number> {
  const response = await fetcher(url, { ...init, ...(signal ? { signal } : {}) });
  return streamToFile(response, path, limit, url);
}

async function streamToFile(response: Response, path: string, limit: number, url: string): Promise<number> {
  if (!response.ok || !response.body) throw new Error(`${url} answered ${response.status}`);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body.cancel();
    throw new Error(`${url} is ${declared} bytes, more than the ${limit} allowed`);
  }
  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  let size = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > limit) throw new Error(`${url} is larger than the ${limit} bytes allowed`);
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  } finally {
    await new Promise<void>((resolve) => out.end(() => resolve()));
  }
  return size;
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
