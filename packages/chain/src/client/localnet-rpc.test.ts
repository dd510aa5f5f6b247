import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isNosanaError } from '@nosana/core';
import { Keypair } from '@solana/web3.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createNosanaClient } from './client.js';
import { callLocalnetRpc, type LocalnetInfoResult } from './localnet-rpc.js';
import { createMarketNames } from './markets.js';
import { resolveNetwork } from './networks.js';
import { isNetworkError } from './send.js';

// Port 1 of loopback: nothing listens there, so every connection is refused at once.
const NOTHING = 'http://127.0.0.1:1';
const cpu = Keypair.generate().publicKey.toBase58();
const info: LocalnetInfoResult = {
  programSet: 'mainnet',
  programs: { jobs: 'j', staking: 's', rewards: 'r', pools: 'p', nodes: 'n' },
  mint: 'm',
  faucet: 'f',
  marketAuthority: 'a',
  markets: [
    {
      name: 'cpu',
      address: cpu,
      description: '',
      jobPrice: '100',
      jobTimeout: 3600,
      jobType: 0,
      jobExpiration: 1,
    },
  ],
};

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A JSON-RPC server on loopback answering each request with the next of `answers` (the last one repeats). */
async function serve(
  answers: Array<{ status: number; body: unknown }>,
): Promise<{ url: string; calls: () => number }> {
  let calls = 0;
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const answer = answers[Math.min(calls, answers.length - 1)]!;
      calls++;
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, calls: () => calls };
}

describe('callLocalnetRpc', () => {
  it('answers the typed result', async () => {
    const { url } = await serve([{ status: 200, body: { jsonrpc: '2.0', id: 1, result: info } }]);
    expect(await callLocalnetRpc(url, 'localnet_info', [])).toEqual(info);
  });

  it('throws CHAIN__RPC_UNREACHABLE with the url when nothing listens', async () => {
    const error = await callLocalnetRpc(NOTHING, 'localnet_info', []).catch((e: unknown) => e);
    expect(isNosanaError(error, 'CHAIN__RPC_UNREACHABLE') && error.context.url).toBe(NOTHING);
  });

  it('throws CHAIN__LOCALNET_RPC_FAILED when the server answers a JSON-RPC error', async () => {
    const { url } = await serve([
      { status: 200, body: { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } } },
    ]);
    const error = await callLocalnetRpc(url, 'localnet_airdropNos', ['x', '1']).catch((e: unknown) => e);
    expect(isNosanaError(error, 'CHAIN__LOCALNET_RPC_FAILED') && error.context).toMatchObject({
      method: 'localnet_airdropNos',
      error: 'Method not found',
    });
  });
});

describe('market names', () => {
  it('are asked again after a failed lookup instead of staying empty for the client lifetime', async () => {
    const { url, calls } = await serve([
      { status: 503, body: {} },
      { status: 200, body: { jsonrpc: '2.0', id: 1, result: info } },
    ]);
    const names = createMarketNames({ network: resolveNetwork({ network: 'localnet', rpcUrl: url }) });
    const first = await names().catch((e: unknown) => e);
    expect(isNosanaError(first, 'CHAIN__RPC_UNREACHABLE')).toBe(true);
    expect((await names()).get('cpu')).toBe(cpu);
    expect((await names()).get('cpu')).toBe(cpu);
    expect(calls()).toBe(2);
  });

  it('keeps the answer of a server that is not a localnet (no names) without asking again', async () => {
    const { url, calls } = await serve([
      { status: 200, body: { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } } },
    ]);
    const names = createMarketNames({ network: resolveNetwork({ network: 'localnet', rpcUrl: url }) });
    expect((await names()).size).toBe(0);
    expect((await names()).size).toBe(0);
    expect(calls()).toBe(1);
  });
});

describe('an unreachable RPC', () => {
  it('makes a market-name lookup fail with CHAIN__RPC_UNREACHABLE, not CHAIN__MARKET_NOT_FOUND', async () => {
    const client = createNosanaClient({ network: 'localnet', rpcUrl: NOTHING, wallet: Keypair.generate() });
    try {
      for (const read of [() => client.markets.get('cpu'), () => client.jobs.list({ market: 'cpu' })]) {
        const error = await read().catch((e: unknown) => e);
        expect(isNosanaError(error, 'CHAIN__RPC_UNREACHABLE') && error.context.url).toBe(NOTHING);
      }
    } finally {
      client.close();
    }
  });

  it('is recognised in every form a connection failure takes', () => {
    const withCause = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: { code } });
    expect(isNetworkError(withCause('ECONNREFUSED'))).toBe(true);
    expect(isNetworkError(new Error('failed to get info: x', { cause: { code: 'ENOTFOUND' } }))).toBe(true);
    expect(isNetworkError(new Error('request', { cause: { code: 'EAI_AGAIN' } }))).toBe(true);
    expect(isNetworkError(new Error('x', { cause: { code: 'UND_ERR_CONNECT_TIMEOUT' } }))).toBe(true);
    expect(isNetworkError(Object.assign(new Error('aborted'), { name: 'TimeoutError' }))).toBe(true);
    expect(isNetworkError(new Error('The new job timeout should be larger than the current one.'))).toBe(
      false,
    );
    expect(isNetworkError(new Error('custom program error: 0x1774'))).toBe(false);
  });
});
