import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isNosanaError } from '@nosana/core';
import { Keypair } from '@solana/web3.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createNosanaClient } from './client.js';
import {
  directoryNames,
  fetchMarketDirectory,
  MAX_DIRECTORY_BYTES,
  parseMarketDirectory,
  VENDOR_MARKET_DIRECTORY_URLS,
} from './market-directory.js';

const address = () => Keypair.generate().publicKey.toBase58();
const a4090 = address();
const a3060 = address();

/** Two markets as the vendor's `GET /api/markets/` answers (every field of its published schema). */
const vendorAnswer = [
  {
    address: a4090,
    slug: 'nvidia-4090',
    name: 'NVIDIA 4090',
    sft: address(),
    type: 'PREMIUM',
    usd_reward_per_hour: 0.4,
    nos_reward_per_second: 0.0003,
    nos_job_price_per_second: 0.0003,
    network_fee_percentage: 0,
    premium_community_relation: null,
    gpu_types: ['NVIDIA GeForce RTX 4090'],
    required_images: ['docker.io/ollama/ollama:0.3.12'],
    required_remote_resources: [{ type: 'Ollama', model: 'llama3.1:8b' }],
    client: true,
    lowest_vram: 24,
    max_usd_uptime_reward_per_day: 1,
  },
  {
    address: a3060,
    slug: 'nvidia-3060',
    name: 'NVIDIA 3060',
    sft: address(),
    type: 'COMMUNITY',
    usd_reward_per_hour: null,
    nos_reward_per_second: 0.0001,
    nos_job_price_per_second: 0.0001,
    network_fee_percentage: 0,
    premium_community_relation: null,
    gpu_types: ['NVIDIA GeForce RTX 3060', 'NVIDIA GeForce RTX 3060 Laptop GPU'],
    required_images: [],
    required_remote_resources: [],
    client: true,
  },
];
const meta = { network: 'mainnet', source: 'test', fetchedAt: '2026-12-04T00:00:00.000Z' };

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** An HTTP server on loopback answering every request with `status` and `body`. */
async function serve(status: number, body: string | Buffer): Promise<string> {
  server = createServer((_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/api/markets/`;
}

describe('parseMarketDirectory', () => {
  it('keeps what names, qualification and pre-pulls need from the vendor’s answer', () => {
    const { directory, dropped } = parseMarketDirectory({ body: vendorAnswer, ...meta });
    expect(dropped).toEqual([]);
    expect(directory).toEqual({
      ...meta,
      markets: [
        {
          address: a4090,
          slug: 'nvidia-4090',
          name: 'NVIDIA 4090',
          type: 'PREMIUM',
          gpu_types: ['NVIDIA GeForce RTX 4090'],
          lowest_vram: 24,
          required_images: ['docker.io/ollama/ollama:0.3.12'],
        },
        {
          address: a3060,
          slug: 'nvidia-3060',
          name: 'NVIDIA 3060',
          type: 'COMMUNITY',
          gpu_types: ['NVIDIA GeForce RTX 3060', 'NVIDIA GeForce RTX 3060 Laptop GPU'],
          required_images: [],
        },
      ],
    });
    expect(directoryNames(directory)).toEqual(
      new Map([
        ['nvidia-4090', a4090],
        ['nvidia-3060', a3060],
      ]),
    );
  });

  it('reads a stored directory (an object with markets) the same way', () => {
    const stored = parseMarketDirectory({ body: vendorAnswer, ...meta }).directory;
    const again = parseMarketDirectory({ body: JSON.parse(JSON.stringify(stored)), ...meta });
    expect(again.directory).toEqual(stored);
  });

  it('drops hostile entries with their reason and keeps the rest', () => {
    const good = vendorAnswer[0]!;
    const { directory, dropped } = parseMarketDirectory({
      body: [
        good,
        'nope',
        { ...good, slug: 'other', address: 'not-an-address' },
        { ...good, address: address(), slug: '../../etc/passwd' },
        { ...good, address: address(), slug: 'x'.repeat(65) },
        { ...good, address: address(), slug: 'imgs', required_images: ['ok:1', 'bad image ref'] },
        { ...good, address: address(), slug: 'gpus', gpu_types: Array(65).fill('A100') },
        { ...good, address: address(), slug: 'vram', lowest_vram: -1 },
        { ...good, address: address(), slug: 'nvidia-4090' },
        { ...good, slug: 'same-address' },
        { ...good, address: address(), slug: 'ctl', name: 'evil\u001b[2Jname', gpu_types: null },
      ],
      ...meta,
    });
    expect(directory.markets.map((m) => m.slug)).toEqual(['nvidia-4090', 'ctl']);
    expect(directory.markets[1]).toMatchObject({ name: 'evil[2Jname', gpu_types: [] });
    expect(dropped.map((d) => d.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(dropped[0]!.reason).toBe('not an object');
    expect(dropped[1]!.reason).toMatch(/not a Solana address/);
    expect(dropped[2]!.reason).toMatch(/slug .* is not a name/);
    expect(dropped[4]!.reason).toMatch(/required_images/);
    expect(dropped[5]!.reason).toMatch(/gpu_types/);
    expect(dropped[6]!.reason).toMatch(/lowest_vram/);
    expect(dropped[7]!.reason).toMatch(/appears twice/);
    expect(dropped[8]!.reason).toMatch(/appears twice/);
  });

  it('refuses an answer that is not a list of markets, or an oversized one', () => {
    for (const body of [{ error: 'x' }, null, 'text', Array(2001).fill({})]) {
      let caught: unknown;
      try {
        parseMarketDirectory({ body, ...meta });
      } catch (error) {
        caught = error;
      }
      expect(isNosanaError(caught, 'CHAIN__MARKET_DIRECTORY_UNREADABLE')).toBe(true);
    }
  });
});

describe('fetchMarketDirectory', () => {
  it('reads the directory a server publishes', async () => {
    const url = await serve(200, JSON.stringify(vendorAnswer));
    const { directory } = await fetchMarketDirectory({
      network: 'mainnet',
      url,
      now: () => new Date('2026-12-04T00:00:00Z'),
    });
    expect(directory.source).toBe(url);
    expect(directory.fetchedAt).toBe('2026-12-04T00:00:00.000Z');
    expect(directory.markets.map((m) => m.slug)).toEqual(['nvidia-4090', 'nvidia-3060']);
  });

  it.each([
    ['an HTTP error', 500, '{"name":"Error","message":"boom"}', /HTTP 500/],
    ['an answer that is not JSON', 200, '<html>', /not JSON/],
    ['an answer over the size limit', 200, Buffer.alloc(MAX_DIRECTORY_BYTES + 1, 0x20), /bytes/],
  ])('refuses %s with a coded error', async (_what, status, body, reason) => {
    const url = await serve(status, body);
    const error = await fetchMarketDirectory({ network: 'mainnet', url }).catch((e: unknown) => e);
    expect(isNosanaError(error, 'CHAIN__MARKET_DIRECTORY_UNREADABLE')).toBe(true);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).toContain(url);
  });

  it('says when nothing listens, and when a network publishes no directory', async () => {
    const refused = await fetchMarketDirectory({ network: 'mainnet', url: 'http://127.0.0.1:1/' }).catch(
      (e: unknown) => e,
    );
    expect(isNosanaError(refused, 'CHAIN__MARKET_DIRECTORY_UNREADABLE')).toBe(true);
    const none = await fetchMarketDirectory({ network: 'localnet' }).catch((e: unknown) => e);
    expect(isNosanaError(none, 'CHAIN__MARKET_DIRECTORY_UNREADABLE')).toBe(true);
    expect((none as Error).message).toMatch(/no market directory is published for network localnet/);
    expect(VENDOR_MARKET_DIRECTORY_URLS.mainnet).toMatch(/^https:\/\//);
  });
});

describe('a client with a directory’s names', () => {
  it('resolves slugs to addresses, and lists the names it knows when one is unknown', async () => {
    const { directory } = parseMarketDirectory({ body: vendorAnswer, ...meta });
    // Port 1 of loopback: nothing answers, and resolving a name needs no RPC off the localnet.
    const client = createNosanaClient({
      network: 'mainnet',
      rpcUrl: 'http://127.0.0.1:1',
      marketNames: directoryNames(directory),
    });
    try {
      expect((await client.markets.resolve('nvidia-4090')).toBase58()).toBe(a4090);
      const error = await client.markets.resolve('nvidia-9999').catch((e: unknown) => e);
      expect(isNosanaError(error, 'CHAIN__MARKET_NOT_FOUND')).toBe(true);
      expect((error as Error).message).toContain('known: nvidia-3060, nvidia-4090');
    } finally {
      client.close();
    }
  });

  it('says how to load names when a network has none', async () => {
    const client = createNosanaClient({ network: 'mainnet', rpcUrl: 'http://127.0.0.1:1' });
    try {
      const error = await client.markets.resolve('nvidia-4090').catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/no market names are loaded for it.*nosana market sync/);
    } finally {
      client.close();
    }
  });
});
