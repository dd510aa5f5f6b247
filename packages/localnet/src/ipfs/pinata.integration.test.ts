import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeCid, createPinataStore } from '@nosana/chain';
import { deterministicBytes } from '@nosana/chain/testing';
import { CID } from 'multiformats/cid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IpfsServer, startIpfsServer } from './server.js';
import { type ContentStore, openContentStore } from './store.js';

let dir: string;
let store: ContentStore;
let server: IpfsServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nosana-pinata-test-'));
  store = await openContentStore({ dir });
  server = await startIpfsServer({ store, port: 0, maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: string | FormData, headers: Record<string, string> = {}) =>
  fetch(`${server.apiUrl}${path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer offline', ...headers },
    body,
  });

describe("the localnet's Pinata-compatible API", () => {
  it("serves @nosana/chain's Pinata store: upload, CID check and gateway read", async () => {
    const pinata = createPinataStore({ jwt: 'offline', apiUrl: server.apiUrl, gateway: server.gatewayUrl });
    const bytes = Buffer.concat([...deterministicBytes(20_000, 'pinata-store')]);
    const cid = await pinata.putBytes(bytes);
    expect(cid).toBe(await computeCid(bytes));
    expect(Buffer.from(await pinata.getBytes(cid))).toEqual(Buffer.from(bytes));
    expect(store.pins()).toContain(cid);
  });

  it('pins JSON with pinJSONToIPFS and answers { IpfsHash, PinSize, Timestamp }', async () => {
    const content = { ops: [{ id: 'hello', args: { cmd: 'echo hi' } }], version: '0.1' };
    const response = await post(
      '/pinning/pinJSONToIPFS',
      JSON.stringify({ pinataContent: content, pinataMetadata: { name: 'job' } }),
      { 'content-type': 'application/json' },
    );
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { IpfsHash: string; PinSize: number; Timestamp: string };
    const bytes = new TextEncoder().encode(JSON.stringify(content));
    expect(answer.IpfsHash).toBe(await computeCid(bytes));
    expect(answer.PinSize).toBeGreaterThanOrEqual(bytes.length);
    expect(Number.isNaN(Date.parse(answer.Timestamp))).toBe(false);
    const read = await fetch(`${server.gatewayUrl}/ipfs/${answer.IpfsHash}`);
    // Like Kubo's gateway, JSON without a file name is served as text.
    expect(read.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await read.json()).toEqual(content);
    // Pinata's gateways answer it as JSON (clients such as @nosana/kit parse by content type): /pinata/ipfs/.
    const flavoured = await fetch(`${server.gatewayUrl}/pinata/ipfs/${answer.IpfsHash}`);
    expect(flavoured.headers.get('content-type')).toBe('application/json');
    expect(await flavoured.json()).toEqual(content);
    const missing = 'QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n';
    expect((await fetch(`${server.gatewayUrl}/pinata/ipfs/${missing}`)).status).toBe(
      (await fetch(`${server.gatewayUrl}/ipfs/${missing}`)).status,
    );
  });

  it('makes a CIDv1 when pinataOptions asks for one, also when the options follow the file', async () => {
    const json = await post(
      '/pinning/pinJSONToIPFS',
      JSON.stringify({ pinataContent: { a: 1 }, pinataOptions: { cidVersion: 1 } }),
      { 'content-type': 'application/json' },
    );
    const v1 = CID.parse(((await json.json()) as { IpfsHash: string }).IpfsHash);
    expect(v1.version).toBe(1);
    const form = new FormData();
    form.append('file', new Blob(['{"a":1}']), 'a.json');
    form.append('pinataOptions', JSON.stringify({ cidVersion: 1 }));
    const file = await post('/pinning/pinFileToIPFS', form);
    expect(((await file.json()) as { IpfsHash: string }).IpfsHash).toBe(v1.toString());
  });

  it('pins a body without pinataContent as the content itself, as Pinata does', async () => {
    const content = { version: '0.1', ops: [] };
    const response = await post('/pinning/pinJSONToIPFS', JSON.stringify(content), {
      'content-type': 'application/json',
    });
    const { IpfsHash } = (await response.json()) as { IpfsHash: string };
    expect(IpfsHash).toBe(await computeCid(new TextEncoder().encode(JSON.stringify(content))));
    expect(await (await fetch(`${server.gatewayUrl}/ipfs/${IpfsHash}`)).json()).toEqual(content);
  });

  it('answers testAuthentication', async () => {
    const response = await fetch(`${server.apiUrl}/data/testAuthentication`);
    expect(((await response.json()) as { message: string }).message).toContain('Pinata');
  });

  it('refuses malformed and oversized requests with 400 / 413 and pins nothing', async () => {
    const pins = store.pins().length;
    const json = { 'content-type': 'application/json' };
    expect((await post('/pinning/pinJSONToIPFS', '{"pinataContent":', json)).status).toBe(400);
    expect((await post('/pinning/pinJSONToIPFS', 'null', json)).status).toBe(400);
    expect((await post('/pinning/pinJSONToIPFS', '[1]', json)).status).toBe(400);
    const badOptions = JSON.stringify({ pinataContent: 1, pinataOptions: { cidVersion: 7 } });
    expect((await post('/pinning/pinJSONToIPFS', badOptions, json)).status).toBe(400);
    const truncated = '--b\r\ncontent-disposition: form-data; name="file"; filename="x"\r\n\r\nabc';
    expect(
      (await post('/pinning/pinFileToIPFS', truncated, { 'content-type': 'multipart/form-data; boundary=b' }))
        .status,
    ).toBe(400);
    expect((await post('/pinning/pinFileToIPFS', 'abc', { 'content-type': 'text/plain' })).status).toBe(400);
    const empty = new FormData();
    empty.append('pinataOptions', '{}');
    expect((await post('/pinning/pinFileToIPFS', empty)).status).toBe(400);
    const big = JSON.stringify({ pinataContent: 'x'.repeat(100 * 1024) });
    expect((await post('/pinning/pinJSONToIPFS', big, json)).status).toBe(413);
    expect((await fetch(`${server.apiUrl}/pinning/pinByHash`, { method: 'POST' })).status).toBe(404);
    expect(store.pins().length).toBe(pins);
  });
});
