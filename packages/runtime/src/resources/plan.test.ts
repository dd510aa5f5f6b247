import type { Resource } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import type { HttpResponse } from './http-get.js';
import { type PlanContext, planResource, UnsafeNameError } from './plan.js';

/** A `get` answering from a table of URL → body (JSON or text), recording what was asked. */
function context(answers: Record<string, { body: string; headers?: Record<string, string> }>) {
  const asked: Array<{ url: string; headers?: Record<string, string>; sign?: boolean }> = [];
  const ctx: PlanContext = {
    async get(url, init = {}) {
      asked.push({ url, ...init });
      const answer = answers[url];
      const response: HttpResponse = {
        url,
        status: answer ? 200 : 404,
        headers: new Headers(answer?.headers ?? {}),
        body: (async function* () {
          if (answer) yield new TextEncoder().encode(answer.body);
        })(),
        cancel() {},
      };
      return response;
    },
    huggingFaceUrl: 'https://hf.test',
    nosanaModelsUrl: 'https://models.test',
    s3Endpoint: (bucket) => `https://${bucket}.s3.test`,
    maxBytes: 1000,
    maxFiles: 100,
    maxListingBytes: 10_000,
  };
  return { ctx, asked };
}

const listing = (...keys: string[]) =>
  `<?xml version="1.0"?><ListBucketResult>${keys.map((k) => `<Contents><Key>${k}</Key></Contents>`).join('')}<IsTruncated>false</IsTruncated></ListBucketResult>`;

async function refusal(resource: Resource, ctx: PlanContext): Promise<UnsafeNameError> {
  const error = await planResource(resource, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnsafeNameError);
  return error as UnsafeNameError;
}

describe('planResource', () => {
  it('plans S3 prefixes from their listing, keys relative to the prefix', async () => {
    const { ctx } = context({
      'https://b.s3.test/?list-type=2&prefix=models%2F': {
        body: listing('models/', 'models/a.bin', 'models/sub/b.bin'),
      },
    });
    const plan = await planResource({ type: 'S3', url: 's3://b/models', target: '/data' }, ctx);
    expect(plan).toEqual({
      directory: '/data',
      maxBytes: 1000,
      files: [
        { name: 'a.bin', url: 'https://b.s3.test/models/a.bin', sign: false },
        { name: 'sub/b.bin', url: 'https://b.s3.test/models/sub/b.bin', sign: false },
      ],
    });
  });

  it.each([
    ['../../x', '../../x', 'is outside the prefix "models"'],
    ['models/../../x', '../../x', 'has a ".." segment'],
    ['models//etc/passwd', '/etc/passwd', 'is an absolute path'],
    ['models/a&#0;b', 'a\0b', 'contains a NUL character'],
    ['elsewhere/x', 'elsewhere/x', 'is outside the prefix "models"'],
  ])('refuses an S3 listing with <Key>%s</Key> before downloading anything', async (key, name, reason) => {
    const { ctx, asked } = context({
      'https://b.s3.test/?list-type=2&prefix=models%2F': { body: listing('models/ok.bin', key) },
    });
    const error = await refusal({ type: 'S3', url: 's3://b/models', target: '/data' }, ctx);
    expect({ name: error.fileName, reason: error.reason }).toEqual({ name, reason });
    expect(asked.map((a) => a.url)).toEqual(['https://b.s3.test/?list-type=2&prefix=models%2F']);
  });

  it('refuses traversal in an S3 bucket listing without a prefix', async () => {
    const { ctx } = context({ 'https://b.s3.test/?list-type=2&prefix=': { body: listing('ok', '../../x') } });
    expect((await refusal({ type: 'S3', bucket: 'b', target: '/d' }, ctx)).reason).toBe('has a ".." segment');
  });

  it('stops following a listing that pages forever without keys', async () => {
    const endless =
      '<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>again</NextContinuationToken></ListBucketResult>';
    const { ctx, asked } = context({
      'https://b.s3.test/?list-type=2&prefix=': { body: endless },
      'https://b.s3.test/?list-type=2&prefix=&continuation-token=again': { body: endless },
    });
    await expect(
      planResource({ type: 'S3', bucket: 'b', target: '/d' }, { ...ctx, maxFiles: 3 }),
    ).rejects.toThrow('the listing of s3://b has more pages than files allowed');
    expect(asked).toHaveLength(4);
  });

  it('refuses unsafe `files` of S3 resources and buckets without any request', async () => {
    const { ctx, asked } = context({});
    const single = await refusal(
      { type: 'S3', url: 's3://b/p', files: ['ok', '../../../etc/x'], target: '/d' },
      ctx,
    );
    expect(single.message).toContain('files[1]');
    const buckets = await refusal(
      {
        type: 'S3',
        buckets: [
          { url: 's3://b/p', files: ['a'] },
          { url: 's3://c', files: ['/abs'] },
        ],
        target: '/d',
      },
      ctx,
    );
    expect(buckets.message).toContain('buckets[1].files[0]');
    expect(asked).toEqual([]);
  });

  it('refuses two sources writing the same name', async () => {
    const { ctx } = context({});
    const error = await refusal(
      {
        type: 'S3',
        buckets: [
          { url: 's3://b', files: ['x'] },
          { url: 's3://c', files: ['x'] },
        ],
        target: '/d',
      },
      ctx,
    );
    expect(error.reason).toBe('appears twice');
  });

  it('signs S3 requests of resources with credentials', async () => {
    const { ctx, asked } = context({ 'https://b.s3.test/?list-type=2&prefix=': { body: listing('k') } });
    const plan = await planResource(
      {
        type: 'S3',
        bucket: 'b',
        target: '/d',
        IAM: { REGION: 'r', ACCESS_KEY_ID: 'a', SECRET_ACCESS_KEY: 's' },
      },
      ctx,
    );
    expect(asked[0]?.sign).toBe(true);
    expect(plan.files[0]?.sign).toBe(true);
  });

  it('plans a Hugging Face repository from its listing, following the next page', async () => {
    const { ctx } = context({
      'https://hf.test/api/models/org/m/tree/main?recursive=1': {
        body: JSON.stringify([
          { type: 'file', path: 'config.json' },
          { type: 'directory', path: 'w' },
        ]),
        headers: { link: '<https://hf.test/api/models/org/m/tree/main?recursive=1&cursor=2>; rel="next"' },
      },
      'https://hf.test/api/models/org/m/tree/main?recursive=1&cursor=2': {
        body: JSON.stringify([{ type: 'file', path: 'w/model file.bin' }]),
      },
    });
    const plan = await planResource({ type: 'HF', repo: 'org/m', target: '/models', accessToken: 't' }, ctx);
    expect(plan.files).toEqual([
      {
        name: 'config.json',
        url: 'https://hf.test/org/m/resolve/main/config.json',
        headers: { authorization: 'Bearer t' },
      },
      {
        name: 'w/model file.bin',
        url: 'https://hf.test/org/m/resolve/main/w/model%20file.bin',
        headers: { authorization: 'Bearer t' },
      },
    ]);
  });

  it.each([['../../../root/.ssh/authorized_keys'], ['/etc/passwd'], ['a/./b'], ['x\u0000y']])(
    'refuses a Hugging Face listing with the file %j',
    async (path) => {
      const { ctx, asked } = context({
        'https://hf.test/api/models/m/tree/main?recursive=1': {
          body: JSON.stringify([
            { type: 'file', path: 'ok.json' },
            { type: 'file', path },
          ]),
        },
      });
      const error = await refusal({ type: 'HF', repo: 'm', target: '/models' }, ctx);
      expect(error.fileName).toBe(path);
      expect(asked).toHaveLength(1);
    },
  );

  it('refuses unsafe Hugging Face `files`, repo ids and URL targets', async () => {
    const { ctx, asked } = context({});
    await refusal({ type: 'HF', repo: 'm', files: ['../x'], target: '/m' }, ctx);
    await expect(planResource({ type: 'HF', repo: '../../api', target: '/m' }, ctx)).rejects.toThrow(
      /not a Hugging Face repository id/,
    );
    const url = await refusal({ type: 'URL', url: 'https://x.test/a', target: '/models/..' }, ctx);
    expect(url.message).toContain('the last segment of target');
    expect(asked).toEqual([]);
  });

  it('caps URL resources at the smaller of max_bytes and the host limit', async () => {
    const { ctx } = context({});
    const plan = await planResource(
      { type: 'URL', url: 'https://x.test/a', target: '/m/a.bin', max_bytes: 5000 },
      ctx,
    );
    expect(plan).toEqual({
      directory: '/m',
      maxBytes: 1000,
      files: [{ name: 'a.bin', url: 'https://x.test/a' }],
    });
  });
});
