import { isNosanaError, type NosanaErrorCode } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { checkResourceNames, downloadResource } from './download.js';

/* What is refused without any request; downloads themselves are in download.integration.test.ts. */
const noFetch = (() => {
  throw new Error('no request expected');
}) as unknown as typeof fetch;

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

const expectCode = (error: unknown, code: NosanaErrorCode) =>
  expect(isNosanaError(error, code), String(error)).toBe(true);

describe('checkResourceNames', () => {
  it('accepts the names definitions usually give', () => {
    expect(() => {
      checkResourceNames({ type: 'URL', url: 'https://x.test/m', target: '/models/m.bin' }, 'op');
      checkResourceNames(
        { type: 'HF', repo: 'org/m', files: ['config.json', 'w/a.bin'], target: '/m' },
        'op',
      );
      checkResourceNames(
        { type: 'S3', buckets: [{ url: 's3://a', files: ['x'] }, { url: 's3://b' }], target: '/d' },
        'op',
      );
      checkResourceNames({ type: 'Ollama', model: 'llama3' }, 'op');
    }).not.toThrow();
  });

  it.each([
    [{ type: 'URL' as const, url: 'https://x.test/m', target: '/models/..' }, '..', 'has a ".." segment'],
    [
      { type: 'HF' as const, repo: 'm', files: ['/etc/passwd'], target: '/m' },
      '/etc/passwd',
      'is an absolute path',
    ],
    [
      { type: 'S3' as const, url: 's3://b/p', files: ['a', '../../x'], target: '/d' },
      '../../x',
      'has a ".." segment',
    ],
    [
      {
        type: 'S3' as const,
        buckets: [
          { url: 's3://a', files: ['x'] },
          { url: 's3://b', files: ['x/y'] },
        ],
        target: '/d',
      },
      'x/y',
      'is inside "x", which is a file',
    ],
  ])('refuses %j with RUNTIME__RESOURCE_UNSAFE_PATH', (resource, name, reason) => {
    const error = thrown(() => checkResourceNames(resource, 'op1'));
    expectCode(error, 'RUNTIME__RESOURCE_UNSAFE_PATH');
    expect((error as { context: unknown }).context).toMatchObject({ op: 'op1', name, reason });
  });
});

describe('downloadResource refusals without a request', () => {
  it('refuses unsafe defined names before any request', async () => {
    const error = await downloadResource(
      { type: 'S3', url: 's3://b/p', files: ['../x'], target: '/d' },
      'op1',
      {
        fetch: noFetch,
      },
    ).catch((e: unknown) => e);
    expectCode(error, 'RUNTIME__RESOURCE_UNSAFE_PATH');
  });

  it('reports an invalid operator allow list as such', async () => {
    const error = await downloadResource({ type: 'URL', url: 'https://x.test/m', target: '/m' }, 'op1', {
      fetch: noFetch,
      allow: ['10.0.0.0/99'],
    }).catch((e: unknown) => e);
    expectCode(error, 'RUNTIME__RESOURCE_FAILED');
    expect((error as Error).message).toContain("the host's download allow list is invalid");
  });

  it('keeps credentials of URLs out of errors, which end up in public results', async () => {
    const fetcher = (async () => new Response('denied', { status: 403 })) as unknown as typeof fetch;
    const error = await downloadResource(
      {
        type: 'URL',
        url: 'https://user:hunter2@files.test/m.bin?X-Amz-Signature=deadbeef',
        target: '/m.bin',
      },
      'op1',
      { fetch: fetcher, resolve: async () => [{ address: '93.184.215.14', family: 4 }] },
    ).catch((e: unknown) => e);
    expectCode(error, 'RUNTIME__RESOURCE_FAILED');
    expect((error as Error).message).toBe(
      'op "op1": resource https://files.test/m.bin?… failed: https://files.test/m.bin?… answered 403',
    );
    expect(JSON.stringify((error as { context: unknown }).context)).not.toMatch(/hunter2|deadbeef/);
  });

  it('refuses Ollama resources, which the Ollama service pulls itself', async () => {
    const error = await downloadResource({ type: 'Ollama', model: 'llama3' }, 'op1', {
      fetch: noFetch,
    }).catch((e: unknown) => e);
    expectCode(error, 'RUNTIME__RESOURCE_FAILED');
  });
});
