import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKuboStore, getJson, putJson } from '@nosana/chain';
import { deterministicBytes, KUBO_VECTORS } from '@nosana/chain/testing';
import { isNosanaError } from '@nosana/core';
import { create, type KuboRPCClient } from 'kubo-rpc-client';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IpfsServer, startIpfsServer } from './server.js';
import { type ContentStore, openContentStore } from './store.js';

let dir: string;
let store: ContentStore;
let server: IpfsServer;
let kubo: KuboRPCClient;

const concat = async (source: AsyncIterable<Uint8Array>) => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nosana-ipfs-test-'));
  store = await openContentStore({ dir });
  server = await startIpfsServer({ store, port: 0 });
  kubo = create({ url: server.apiUrl });
});

afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the localnet IPFS server with an unmodified kubo-rpc-client', () => {
  it('answers version and id', async () => {
    expect((await kubo.version()).version).toContain('nosana-localnet');
    expect((await kubo.id()).agentVersion).toBe('nosana-localnet');
    expect((await kubo.id()).id.toString()).toMatch(/^12D3KooW/);
  });

  it.each(KUBO_VECTORS.filter((v) => v.size <= 262_145))(
    'adds $name with the CID Kubo gives it',
    async ({ bytes, cid }) => {
      const added = await kubo.add(Buffer.concat([...bytes()]));
      expect(added.cid.toString()).toBe(cid);
      expect(await concat(kubo.cat(cid))).toEqual(Buffer.concat([...bytes()]));
    },
  );

  it('streams a 50 MiB file in, gives Kubo’s CID, and streams it back intact (also by offset and length)', async () => {
    const size = 50 * 1024 * 1024;
    const added = await kubo.add({
      path: 'big.bin',
      content: (async function* () {
        yield* deterministicBytes(size, 'nosana-50m');
      })(),
    });
    const expected = createHash('sha256');
    for (const chunk of deterministicBytes(size, 'nosana-50m')) expected.update(chunk);
    const actual = createHash('sha256');
    for await (const chunk of kubo.cat(added.cid)) actual.update(chunk);
    expect(actual.digest('hex')).toBe(expected.digest('hex'));
    const part = await concat(kubo.cat(added.cid, { offset: 1_000_000, length: 12_345 }));
    expect(part.length).toBe(12_345);
    expect(part).toEqual(
      Buffer.concat([...deterministicBytes(size, 'nosana-50m')]).subarray(1_000_000, 1_012_345),
    );
  });

  it('adds directories with wrap-with-directory, resolves paths, and `get` returns a tar of the tree', async () => {
    const entries = [];
    for await (const entry of kubo.addAll(
      [
        { path: 'job-42/result/metrics.json', content: new TextEncoder().encode('{"loss":0.1}') },
        { path: 'job-42/logs.txt', content: new TextEncoder().encode('line 1\nline 2\n') },
      ],
      { wrapWithDirectory: true },
    ))
      entries.push(entry);
    const root = entries.at(-1)!;
    expect(root.path).toBe('');
    expect(
      new TextDecoder().decode(await concat(kubo.cat(`/ipfs/${root.cid}/job-42/result/metrics.json`))),
    ).toBe('{"loss":0.1}');

    const files = new Map<string, string>();
    const tar = extract();
    const done = new Promise<void>((resolve, reject) => {
      tar.on('entry', (header, stream, next) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c) => chunks.push(c as Buffer));
        stream.on('end', () => {
          if (header.type === 'file') files.set(header.name, Buffer.concat(chunks).toString());
          next();
        });
      });
      tar.on('finish', resolve);
      tar.on('error', reject);
    });
    for await (const chunk of kubo.get(`${root.cid}/job-42`)) tar.write(chunk);
    tar.end(undefined);
    await done;
    expect(Object.fromEntries(files)).toEqual({
      'job-42/logs.txt': 'line 1\nline 2\n',
      'job-42/result/metrics.json': '{"loss":0.1}',
    });
  });

  it('answers a mixed add (top-level files, then a nested path) with the importer’s entries, sizes and pins', async () => {
    const bytes = (seed: string, size: number) => Buffer.concat([...deterministicBytes(size, seed)]);
    const parts = () => [
      { path: 'a.bin', content: bytes('mixed-a', 600_000) },
      { path: 'b.txt', content: new TextEncoder().encode('b') },
      { path: 'dir/c.bin', content: bytes('mixed-c', 300_000) },
      { path: 'd.bin', content: bytes('mixed-d', 10) },
    ];
    for (const cidVersion of [0, 1] as const) {
      const added = [];
      for await (const entry of kubo.addAll(parts(), { cidVersion })) added.push(entry);
      const expected = [];
      const { BlackHoleBlockstore } = await import('blockstore-core');
      const { importer } = await import('ipfs-unixfs-importer');
      const { fixedSize } = await import('ipfs-unixfs-importer/chunker');
      const { balanced } = await import('ipfs-unixfs-importer/layout');
      for await (const entry of importer(parts(), new BlackHoleBlockstore(), {
        cidVersion,
        rawLeaves: cidVersion === 1,
        leafType: 'file',
        reduceSingleLeafToSelf: true,
        chunker: fixedSize({ chunkSize: 262_144 }),
        layout: balanced({ maxChildrenPerNode: 174 }),
      }))
        expected.push(entry);
      expect(added.map((e) => [e.path, e.cid.toString(), e.size])).toEqual(
        expected.map((e) => [e.path, e.cid.toString(), Number(e.size)]),
      );
      const pins = [];
      for await (const pin of kubo.pin.ls()) pins.push(pin.cid.toString());
      for (const entry of added.filter((e) => !e.path.includes('/')))
        expect(pins).toContain(entry.cid.toString());
      expect(await concat(kubo.cat(added[0]!.cid, { offset: 262_140, length: 10 }))).toEqual(
        parts()[0]!.content.subarray(262_140, 262_150),
      );
    }
  });

  it('gives CIDv1 raw leaves when asked, pins idempotently, lists and removes pins', async () => {
    const v1 = await kubo.add('hello world', { cidVersion: 1 });
    expect(v1.cid.toString()).toMatch(/^bafkrei/);
    const v0 = await kubo.add('pin me', { pin: false });
    expect((await kubo.pin.add(v0.cid)).toString()).toBe(v0.cid.toString());
    expect((await kubo.pin.add(v0.cid)).toString()).toBe(v0.cid.toString());
    const pins = [];
    for await (const pin of kubo.pin.ls()) pins.push(pin.cid.toString());
    expect(pins).toContain(v0.cid.toString());
    await kubo.pin.rm(v0.cid);
    const after = [];
    for await (const pin of kubo.pin.ls()) after.push(pin.cid.toString());
    expect(after).not.toContain(v0.cid.toString());
  });

  it('fails clearly for a CID it does not have', async () => {
    await expect(concat(kubo.cat('QmUKJAymjnAe2811uB7ATRduxzR2rd6XfUFXaF5ReLafhr'))).rejects.toThrowError(
      /was not found in the store/,
    );
  });

  it('serves a read-only gateway with ETag, HEAD and 404', async () => {
    const { cid } = await kubo.add('gateway content');
    const response = await fetch(`${server.gatewayUrl}/ipfs/${cid}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`"${cid}"`);
    expect(await response.text()).toBe('gateway content');
    const head = await fetch(`${server.gatewayUrl}/ipfs/${cid}`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('15');
    expect(
      (await fetch(`${server.gatewayUrl}/ipfs/QmUKJAymjnAe2811uB7ATRduxzR2rd6XfUFXaF5ReLafhr`)).status,
    ).toBe(404);
    expect((await fetch(`${server.apiUrl}/api/v0/cat?arg=${cid}`)).status).toBe(405);
  });

  it('detects a corrupted block on read instead of returning wrong bytes', async () => {
    const { cid } = await kubo.add('precious result bytes');
    const blocks = join(dir, 'blocks');
    const file = walk(blocks).find((f) => readFileSync(f).includes(Buffer.from('precious result bytes')))!;
    const bytes = readFileSync(file);
    bytes[bytes.length - 3] ^= 0xff;
    writeFileSync(file, bytes);
    await expect(concat(kubo.cat(cid))).rejects.toThrowError(/corrupted on disk/);
  });
});

describe('@nosana/chain Kubo store against the localnet IPFS server', () => {
  it('puts canonical JSON (verifying the CID) and gets it back verified', async () => {
    const ipfs = createKuboStore({ url: server.apiUrl });
    const cid = await putJson(ipfs, { version: '0.1', ops: [] });
    expect(cid).toMatch(/^Qm/);
    expect(await getJson(ipfs, cid)).toEqual({ version: '0.1', ops: [] });
    await expect(getJson(ipfs, 'QmUKJAymjnAe2811uB7ATRduxzR2rd6XfUFXaF5ReLafhr')).rejects.toSatisfy(
      (e: unknown) => isNosanaError(e, 'CHAIN__IPFS_NOT_FOUND'),
    );
    await expect(ipfs.getBytes(cid, { maxBytes: 5 })).rejects.toSatisfy((e: unknown) =>
      isNosanaError(e, 'CHAIN__IPFS_TOO_LARGE'),
    );
  });

  it('reports a node that is not running as unreachable', async () => {
    const ipfs = createKuboStore({ url: 'http://127.0.0.1:9', timeoutMs: 2000 });
    await expect(putJson(ipfs, { x: 1 })).rejects.toSatisfy((e: unknown) =>
      isNosanaError(e, 'CHAIN__IPFS_UNREACHABLE'),
    );
  });

  it('keeps pins across reopening the store', async () => {
    const cid = await store.addBytes(new TextEncoder().encode('survives restarts'));
    const again = await openContentStore({ dir });
    expect(again.pins()).toContain(cid);
    await again.close();
  });
});

function walk(path: string): string[] {
  return readdirSync(path).flatMap((name) =>
    statSync(join(path, name)).isDirectory() ? walk(join(path, name)) : [join(path, name)],
  );
}
