/**
 * Property-based fuzzing of a real localnet's public APIs: every JSON-RPC method the dispatcher implements,
 * every WebSocket subscription method and every IPFS API command gets malformed parameters and bodies. Each
 * request must get a well-formed answer (a result or a JSON-RPC / Kubo error) and the servers must stay up (a
 * health request after each batch). Bounded by a fixed number of runs and a fixed seed, so a failure replays.
 */
import { base58, base64 } from '@scure/base';
import { Keypair } from '@solana/web3.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { IPFS_API_COMMANDS } from './ipfs/server.js';
import { type Localnet, startLocalnet } from './localnet.js';
import { createRpcHandler } from './solana/rpc.js';
import { SUBSCRIPTION_METHODS } from './solana/subscriptions.js';

/** Change the seed to explore; a failure prints its seed and path for `fc.assert(…, { seed, path })`. */
const SEED = 20_261_203;
const RUNS_PER_METHOD = 25;

let localnet: Localnet;
let methods: readonly string[];
let known: { address: string; signature: string; cid: string };

beforeAll(async () => {
  localnet = await startLocalnet({
    dataDir: 'temporary',
    rpcPort: 0,
    ipfsPort: 0,
    maxRpcBodyBytes: 256 * 1024,
    maxIpfsBodyBytes: 1024 * 1024,
  });
  // The dispatcher's own method table: a method added later is fuzzed without touching this file.
  methods = createRpcHandler(localnet.bank, { info: () => null as never, airdropNos: () => '' }).methods;
  const wallet = Keypair.generate().publicKey.toBase58();
  known = {
    address: wallet,
    signature: localnet.bank.airdrop(wallet, 1_000_000n),
    cid: await localnet.ipfs.addBytes(new TextEncoder().encode('fuzz')),
  };
});

afterAll(async () => {
  await localnet?.close();
});

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const base58Text = (maxLength: number) => fc.string({ unit: fc.constantFrom(...BASE58), maxLength });

/** Values that look almost right: real addresses and signatures, long base58/base64, edge numbers, configs. */
const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc
      .constantFrom(
        () => known.address,
        () => known.signature,
        () => '11111111111111111111111111111111',
        () => 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
      )
      .map((get) => get()),
    base58Text(120),
    base58Text(4000),
    fc.uint8Array({ maxLength: 1300 }).map((bytes) => base64.encode(bytes)),
    fc.uint8Array({ maxLength: 1300 }).map((bytes) => base58.encode(bytes)),
    fc.constantFrom(0, -1, 1, 2 ** 53, -(2 ** 53), 1e308, 0.5, Number.MAX_SAFE_INTEGER),
    fc.record(
      {
        encoding: fc.constantFrom('base58', 'base64', 'base64+zstd', 'jsonParsed', 'json', 'nope', 7),
        dataSlice: fc.record({ offset: fc.integer(), length: fc.integer() }),
        filters: fc.array(
          fc.oneof(
            fc.record({ dataSize: fc.integer() }),
            fc.record({ memcmp: fc.record({ offset: fc.integer(), bytes: base58Text(300) }) }),
            fc.jsonValue(),
          ),
          { maxLength: 6 },
        ),
        skipPreflight: fc.boolean(),
        sigVerify: fc.boolean(),
        replaceRecentBlockhash: fc.boolean(),
        limit: fc.integer(),
        mint: fc.oneof(base58Text(50), fc.jsonValue()),
        programId: fc.oneof(base58Text(50), fc.jsonValue()),
        accounts: fc.record({ addresses: fc.array(base58Text(50), { maxLength: 4 }) }),
        withContext: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    fc.array(base58Text(90), { maxLength: 5 }),
    fc.jsonValue({ maxDepth: 3 }),
  );

const params = fc.oneof(
  { weight: 6, arbitrary: fc.array(hostileValue(), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

async function rpc(body: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(localnet.rpcUrl, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  return { status: response.status, json: JSON.parse(await response.text()) };
}

/** A JSON-RPC response object with the request's id and exactly one of result / error. */
function expectResponse(value: unknown, id: unknown) {
  const response = value as { jsonrpc?: unknown; id?: unknown; result?: unknown; error?: unknown };
  expect(response.jsonrpc).toBe('2.0');
  expect(response.id).toEqual(id);
  expect('result' in response !== 'error' in response).toBe(true);
  if ('error' in response) {
    const error = response.error as { code: unknown; message: unknown };
    // -32603 would mean a parameter reached code that did not check it.
    expect([-32600, -32601, -32602, -32700, -32002]).toContain(error.code);
    expect(typeof error.message).toBe('string');
  }
}

async function expectHealthy() {
  expect(await (await fetch(`${localnet.rpcUrl}/health`)).text()).toBe('ok');
  expect((await fetch(`${localnet.ipfsApiUrl}/api/v0/version`, { method: 'POST' })).status).toBe(200);
}

describe('JSON-RPC fuzzing', () => {
  it('the dispatcher implements the methods this suite expects to reach', () => {
    expect(methods).toContain('getAccountInfo');
    expect(methods).toContain('sendTransaction');
    expect(methods.length).toBeGreaterThan(30);
  });

  it('every method answers malformed params with a result or a -32602 error, and the server stays up', async () => {
    for (const method of methods) {
      await fc
        .check(
          fc.asyncProperty(fc.array(params, { minLength: 1, maxLength: 3 }), async (batch) => {
            for (const [index, p] of batch.entries()) {
              const { status, json } = await rpc(
                JSON.stringify({ jsonrpc: '2.0', id: index, method, params: p }),
              );
              expect(status).toBe(200);
              expectResponse(json, index);
            }
            await expectHealthy();
          }),
          { seed: SEED, numRuns: RUNS_PER_METHOD },
        )
        .then((details) => expect(fc.defaultReportMessage(details) ?? 'passed', method).toBe('passed'));
    }
  });

  it('arbitrary bodies (JSON of any shape, batches, text) answer JSON-RPC errors', async () => {
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
      fc
        .array(
          fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ method: fc.string(), id: fc.jsonValue() })),
          {
            maxLength: 5,
          },
        )
        .map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const { status, json } = await rpc(text);
        expect(status).toBe(200);
        if (Array.isArray(json)) for (const item of json) expectResponse(item, (item as { id: unknown }).id);
        else expectResponse(json, (json as { id: unknown }).id);
        await expectHealthy();
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe('WebSocket fuzzing', () => {
  it('every subscription method and arbitrary frames get one JSON-RPC answer each', async () => {
    const socket = new WebSocket(localnet.wsUrl);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const waiting: Array<(value: unknown) => void> = [];
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString());
      // Notifications (method + params) are not answers.
      if (!Array.isArray(message) && 'method' in message) return;
      waiting.shift()?.(message);
    });
    const ask = (frame: string) => {
      const answer = new Promise((resolve) => waiting.push(resolve));
      socket.send(frame);
      return answer;
    };
    const frame = fc.oneof(
      fc
        .tuple(fc.constantFrom(...SUBSCRIPTION_METHODS, 'getSlot', ''), params)
        .map(([method, p]) => JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: p })),
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null'),
      fc.string({ maxLength: 100 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 4 }), async (frames) => {
        for (const text of frames) {
          const answer = await ask(text);
          if (Array.isArray(answer))
            for (const item of answer) expectResponse(item, (item as { id: unknown }).id);
          else expectResponse(answer, (answer as { id: unknown }).id);
        }
        await expectHealthy();
      }),
      { seed: SEED, numRuns: 300 },
    );
    socket.close();
  });
});

describe('IPFS API fuzzing', () => {
  it('every command answers arbitrary arguments and bodies with content or a Kubo error', async () => {
    const arg = fc.oneof(
      fc.constant(undefined),
      fc
        .constantFrom(
          () => known.cid,
          () => `/ipfs/${known.cid}/x`,
        )
        .map((get) => get()),
      fc.string({ maxLength: 80 }),
      base58Text(60).map((text) => `Qm${text}`),
    );
    const body = fc.oneof(
      fc.constant(''),
      fc.string({ maxLength: 300 }),
      fc
        .tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 200 }), fc.boolean())
        .map(
          ([name, content, complete]) =>
            `--b\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n${content}${complete ? '\r\n--b--\r\n' : ''}`,
        ),
    );
    const contentType = fc.constantFrom(
      'multipart/form-data; boundary=b',
      'multipart/form-data',
      'text/plain',
    );
    const query = fc.record(
      {
        offset: fc.oneof(fc.integer().map(String), fc.string({ maxLength: 5 })),
        length: fc.oneof(fc.integer().map(String), fc.string({ maxLength: 5 })),
        chunker: fc.constantFrom('size-1', 'size-0', 'size-262144', 'rabin', 'size-x'),
        'cid-version': fc.constantFrom('0', '1', 'x'),
        'raw-leaves': fc.constantFrom('true', 'false'),
        'wrap-with-directory': fc.constantFrom('true', 'false'),
        hash: fc.constantFrom('sha2-256', 'blake3'),
      },
      { requiredKeys: [] },
    );
    const request = fc.record({
      command: fc.constantFrom(...IPFS_API_COMMANDS, 'nope'),
      arg,
      query,
      body,
      contentType,
      gateway: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 3 }), async (requests) => {
        for (const r of requests) {
          const search = new URLSearchParams(
            Object.entries({ ...r.query, ...(r.arg === undefined ? {} : { arg: r.arg }) }),
          );
          const url = r.gateway
            ? `${localnet.ipfsGatewayUrl}/ipfs/${encodeURIComponent(r.arg ?? '')}?${search}`
            : `${localnet.ipfsApiUrl}/api/v0/${r.command}?${search}`;
          const response = await fetch(url, {
            method: r.gateway ? 'GET' : 'POST',
            ...(r.gateway ? {} : { body: r.body, headers: { 'content-type': r.contentType } }),
          });
          const bytes = Buffer.from(await response.arrayBuffer());
          if (response.status !== 200) {
            expect([400, 404, 405, 413, 500]).toContain(response.status);
            expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({
              Type: 'error',
              Message: expect.any(String),
            });
          }
        }
        await expectHealthy();
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
