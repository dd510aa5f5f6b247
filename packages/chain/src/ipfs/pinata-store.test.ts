import type { IncomingMessage } from 'node:http';
import { isNosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { loopbackServers } from '../../test/loopback.js';
import { computeCid } from './cid.js';
import { getJson, putJson } from './content-store.js';
import { fetchFromGateway } from './gateway.js';
import { createPinataStore } from './pinata-store.js';

/** A local double of Pinata's pinning API and gateway (no internet here). */
interface Double {
  url: string;
  requests: Array<{ path: string; authorization?: string; form: Record<string, string> }>;
  content: Map<string, Uint8Array>;
  /** Overrides: the next upload answers this status / this hash; the gateway lies. */
  status?: number;
  hash?: string;
  lie?: boolean;
  /** The gateway sends half of the content and closes the connection. */
  breakOff?: boolean;
  delayMs?: number;
}

const { serve } = loopbackServers();

async function startDouble(): Promise<Double> {
  const double: Double = { url: '', requests: [], content: new Map() };
  const { url } = await serve(async (request, response) => {
    if (double.delayMs) await new Promise((resolve) => setTimeout(resolve, double.delayMs));
    if (request.method === 'POST' && request.url === '/pinning/pinFileToIPFS') {
      const form = await readForm(request);
      double.requests.push({
        path: request.url,
        form,
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      });
      if (double.status) {
        response.writeHead(double.status).end('{"error":"nope"}');
        return;
      }
      const bytes = new TextEncoder().encode(form.file!);
      const hash = double.hash ?? (await computeCid(bytes));
      double.content.set(hash, bytes);
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ IpfsHash: hash, PinSize: bytes.length, Timestamp: new Date().toISOString() }));
      return;
    }
    const match = /^\/ipfs\/(\w+)$/.exec(request.url ?? '');
    const bytes = match ? double.content.get(match[1]!) : undefined;
    if (!bytes) {
      response.writeHead(404).end('not found');
      return;
    }
    if (double.breakOff) {
      response.writeHead(200, { 'content-length': String(bytes.length) });
      response.write(bytes.subarray(0, bytes.length / 2), () => response.destroy());
      return;
    }
    response
      .writeHead(200, { 'content-length': String(bytes.length) })
      .end(double.lie ? bytes.map((byte) => byte ^ 1) : bytes);
  });
  double.url = url;
  return double;
}

/** Minimal multipart parsing for the double: field name → text. */
async function readForm(request: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  const boundary = /boundary=(.+)$/.exec(request.headers['content-type'] ?? '')![1]!;
  const form: Record<string, string> = {};
  for (const part of body.split(`--${boundary}`)) {
    const name = /name="([^"]+)"/.exec(part)?.[1];
    if (name) form[name] = part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
  }
  return form;
}

describe('Pinata store (against a local double of the pinning API)', () => {
  it('uploads canonical JSON as a CIDv0 file with the JWT, and reads it back verified through the gateway', async () => {
    const double = await startDouble();
    const store = createPinataStore({ jwt: 'secret-jwt', apiUrl: double.url, gateway: double.url });
    const cid = await putJson(store, { b: 2, a: [1, 'x'] });
    expect(cid).toBe(await computeCid(new TextEncoder().encode('{"a":[1,"x"],"b":2}')));
    expect(double.requests).toHaveLength(1);
    expect(double.requests[0]).toMatchObject({
      authorization: 'Bearer secret-jwt',
      form: { file: '{"a":[1,"x"],"b":2}', pinataOptions: '{"cidVersion":0}' },
    });
    expect(await getJson(store, cid)).toEqual({ a: [1, 'x'], b: 2 });
  });

  it('refuses a CID that differs from the locally computed one', async () => {
    const double = await startDouble();
    double.hash = 'QmUKJAymjnAe2811uB7ATRduxzR2rd6XfUFXaF5ReLafhr';
    const store = createPinataStore({ jwt: 'jwt', apiUrl: double.url, gateway: double.url });
    await expect(putJson(store, { x: 1 })).rejects.toSatisfy((e: unknown) =>
      isNosanaError(e, 'CHAIN__IPFS_CID_MISMATCH'),
    );
  });

  it('explains a rejected JWT', async () => {
    const double = await startDouble();
    double.status = 401;
    const store = createPinataStore({ jwt: 'wrong', apiUrl: double.url, gateway: double.url });
    await expect(putJson(store, { x: 1 })).rejects.toThrowError(
      'Pinata refused the upload (401) — check the Pinata JWT',
    );
  });

  it('reports an unreachable service with CHAIN__IPFS_UNREACHABLE, and never puts the JWT in the message', async () => {
    const store = createPinataStore({
      jwt: 'super-secret',
      apiUrl: 'http://127.0.0.1:9',
      gateway: 'http://127.0.0.1:9',
    });
    const error = await putJson(store, { x: 1 }).catch((e: unknown) => e);
    expect(isNosanaError(error, 'CHAIN__IPFS_UNREACHABLE')).toBe(true);
    expect(String((error as Error).message)).not.toContain('super-secret');
  });
});

describe('gateway reads', () => {
  it('rejects content that does not hash to the CID (a lying gateway)', async () => {
    const double = await startDouble();
    const bytes = new TextEncoder().encode('{"real":true}');
    const cid = await computeCid(bytes);
    double.content.set(cid, bytes);
    expect(await fetchFromGateway({ gateway: double.url, cid })).toEqual(bytes);
    double.lie = true;
    await expect(fetchFromGateway({ gateway: double.url, cid })).rejects.toSatisfy((e: unknown) =>
      isNosanaError(e, 'CHAIN__IPFS_CID_MISMATCH'),
    );
  });

  it('caps the size, reports missing content and times out', async () => {
    const double = await startDouble();
    const bytes = new Uint8Array(10_000).fill(1);
    const cid = await computeCid(bytes);
    double.content.set(cid, bytes);
    await expect(fetchFromGateway({ gateway: double.url, cid, maxBytes: 1000 })).rejects.toSatisfy(
      (e: unknown) => isNosanaError(e, 'CHAIN__IPFS_TOO_LARGE'),
    );
    await expect(
      fetchFromGateway({ gateway: double.url, cid: 'QmUKJAymjnAe2811uB7ATRduxzR2rd6XfUFXaF5ReLafhr' }),
    ).rejects.toSatisfy((e: unknown) => isNosanaError(e, 'CHAIN__IPFS_NOT_FOUND'));
    double.delayMs = 500;
    await expect(fetchFromGateway({ gateway: double.url, cid, timeoutMs: 100 })).rejects.toSatisfy(
      (e: unknown) => isNosanaError(e, 'CHAIN__IPFS_TIMEOUT'),
    );
  });

  it('reports an answer broken off midway as CHAIN__IPFS_UNREACHABLE', async () => {
    const double = await startDouble();
    const bytes = new Uint8Array(100_000).fill(7);
    const cid = await computeCid(bytes);
    double.content.set(cid, bytes);
    double.breakOff = true;
    const error = await fetchFromGateway({ gateway: double.url, cid }).catch((e: unknown) => e);
    expect(isNosanaError(error, 'CHAIN__IPFS_UNREACHABLE')).toBe(true);
    expect((error as Error).message).toContain(`broke off its answer for ${cid}`);
  });

  it('rejects malformed CIDs before any request', async () => {
    await expect(
      fetchFromGateway({
        gateway: 'http://127.0.0.1:9',
        cid: 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
      }),
    ).rejects.toThrowError(/is not a CIDv0/);
  });
});
