import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from './address-policy.js';
import { AddressRefusedError, httpGet, type Resolver } from './http-get.js';

/*
 * Redirect and name checks with an injected fetch and resolver (no network). The connected-address checks of the
 * built-in transport are in download.integration.test.ts, against real servers on loopback.
 */
const publicResolver: Resolver = async () => [{ address: '93.184.215.14', family: 4 }];

function scriptedFetch(answers: Record<string, { status: number; location?: string; body?: string }>) {
  const asked: Array<{ url: string; headers: Record<string, string> }> = [];
  const fetcher = (async (url: string, init: RequestInit) => {
    asked.push({ url, headers: (init.headers ?? {}) as Record<string, string> });
    const answer = answers[url] ?? { status: 404 };
    return new Response(answer.body ?? null, {
      status: answer.status,
      headers: answer.location ? { location: answer.location } : {},
    });
  }) as typeof fetch;
  return { fetcher, asked };
}

async function refused(promise: Promise<unknown>): Promise<AddressRefusedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AddressRefusedError);
  return error as AddressRefusedError;
}

describe('httpGet', () => {
  it.each([
    ['http://127.0.0.1/x', '127.0.0.1'],
    ['http://0x7f.1/x', '127.0.0.1'],
    ['http://2130706433/x', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/x', '::ffff:7f00:1'],
    ['http://[::1]:5101/x', '::1'],
    ['http://0.0.0.0:5101/x', '0.0.0.0'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://localhost./x', 'localhost.'],
    ['http://LocalHost:8899/', 'localhost'],
  ])('refuses %s without asking', async (url, address) => {
    const { fetcher, asked } = scriptedFetch({});
    const error = await refused(
      httpGet({ url, policy: createAddressPolicy(), fetch: fetcher, resolve: publicResolver }),
    );
    expect(error.address).toBe(address);
    expect(asked).toEqual([]);
  });

  it('refuses a name that resolves to a non-public address', async () => {
    const { fetcher, asked } = scriptedFetch({});
    const error = await refused(
      httpGet({
        url: 'https://metadata.test/x',
        policy: createAddressPolicy(),
        fetch: fetcher,
        resolve: async () => [
          { address: '93.184.215.14', family: 4 },
          { address: '169.254.169.254', family: 4 },
        ],
      }),
    );
    expect(error.reason).toMatch(
      /^metadata\.test resolves to 169\.254\.169\.254; 169\.254\.169\.254 is a link-local address/,
    );
    expect(asked).toEqual([]);
  });

  it('re-checks every redirect: a public host redirecting to loopback is refused before the second request', async () => {
    const { fetcher, asked } = scriptedFetch({
      'https://files.test/model.bin': { status: 302, location: 'http://127.0.0.1:5101/api/secret' },
    });
    const error = await refused(
      httpGet({
        url: 'https://files.test/model.bin',
        policy: createAddressPolicy(),
        fetch: fetcher,
        resolve: publicResolver,
      }),
    );
    expect(error.url).toBe('http://127.0.0.1:5101/api/secret');
    expect(asked.map((a) => a.url)).toEqual(['https://files.test/model.bin']);
  });

  it('follows a bounded number of redirects and refuses non-HTTP schemes', async () => {
    const loop = scriptedFetch({
      'https://a.test/0': { status: 301, location: '/1' },
      'https://a.test/1': { status: 301, location: '/2' },
      'https://a.test/2': { status: 301, location: '/3' },
    });
    await expect(
      httpGet({
        url: 'https://a.test/0',
        policy: createAddressPolicy(),
        fetch: loop.fetcher,
        resolve: publicResolver,
        maxRedirects: 2,
      }),
    ).rejects.toThrow('https://a.test/0: more than 2 redirects');
    expect(loop.asked).toHaveLength(3);
    const file = scriptedFetch({ 'https://a.test/f': { status: 302, location: 'file:///etc/passwd' } });
    await expect(
      httpGet({
        url: 'https://a.test/f',
        policy: createAddressPolicy(),
        fetch: file.fetcher,
        resolve: publicResolver,
      }),
    ).rejects.toThrow('file:///etc/passwd: only http and https URLs can be downloaded');
  });

  it('keeps headers on the same origin and drops them when a redirect leaves it', async () => {
    const { fetcher, asked } = scriptedFetch({
      'https://hf.test/a': { status: 302, location: '/b' },
      'https://hf.test/b': { status: 302, location: 'https://cdn.test/c' },
      'https://cdn.test/c': { status: 200, body: 'ok' },
    });
    const response = await httpGet({
      url: 'https://hf.test/a',
      headers: { authorization: 'Bearer secret' },
      policy: createAddressPolicy(),
      fetch: fetcher,
      resolve: publicResolver,
    });
    expect(response.status).toBe(200);
    expect(asked).toEqual([
      { url: 'https://hf.test/a', headers: { authorization: 'Bearer secret' } },
      { url: 'https://hf.test/b', headers: { authorization: 'Bearer secret' } },
      { url: 'https://cdn.test/c', headers: {} },
    ]);
  });
});
