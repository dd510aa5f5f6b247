import type { ServerResponse } from 'node:http';
import { type CidV0, isNosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { loopbackServers } from '../../test/loopback.js';
import { singleBlockCid } from '../ipfs/single-block-cid.js';
import { readJsonLite } from './ipfs.js';

const { serve } = loopbackServers();

const bytes = (text: string) => new TextEncoder().encode(text);
const document = bytes('{"version":"0.1"}');
const cid = singleBlockCid(document);
const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (isNosanaError(error) ? error.code : String(error)),
  );

describe('readJsonLite', () => {
  it('reads from a Kubo API (POST /api/v0/cat) and from a gateway (GET /ipfs/<cid>), verified', async () => {
    const seen: string[] = [];
    const { url } = await serve((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      response.end(document);
    });
    expect(await readJsonLite({ source: { kuboApi: `${url}/` }, cid })).toEqual({ version: '0.1' });
    expect(await readJsonLite({ source: { gateway: url }, cid })).toEqual({ version: '0.1' });
    expect(seen).toEqual([`POST /api/v0/cat?arg=${cid}`, `GET /ipfs/${cid}`]);
  });

  it('refuses content that is not the CID’s, and answers that are not content', async () => {
    const cases: Array<[string, (response: ServerResponse) => void, string]> = [
      ['other bytes', (r) => r.end('{"version":"0.2"}'), 'CHAIN__IPFS_CID_MISMATCH'],
      ['404', (r) => r.writeHead(404).end('no'), 'CHAIN__IPFS_NOT_FOUND'],
      [
        'Kubo not found',
        (r) => r.writeHead(500).end('{"Message":"block was not found locally"}'),
        'CHAIN__IPFS_NOT_FOUND',
      ],
      ['500', (r) => r.writeHead(500).end('{"Message":"disk on fire"}'), 'CHAIN__IPFS_UNREACHABLE'],
    ];
    for (const [name, answer, expected] of cases) {
      const { url } = await serve((_, response) => answer(response));
      expect({ name, code: await code(readJsonLite({ source: { kuboApi: url }, cid })) }).toEqual({
        name,
        code: expected,
      });
    }
  });

  it('refuses what is not JSON, over the cap or over one chunk, and an invalid CID before asking', async () => {
    const text = bytes('not json');
    const big = new Uint8Array(262_145).fill(0x20);
    const { url } = await serve((request, response) => {
      response.end(request.url?.includes(singleBlockCid(text)) ? text : big);
    });
    expect(await code(readJsonLite({ source: { gateway: url }, cid: singleBlockCid(text) }))).toBe(
      'CHAIN__IPFS_INVALID_JSON',
    );
    expect(await code(readJsonLite({ source: { gateway: url }, cid, maxBytes: 1000 }))).toBe(
      'CHAIN__IPFS_TOO_LARGE',
    );
    expect(await code(readJsonLite({ source: { gateway: url }, cid }))).toBe('CHAIN__LITE_UNSUPPORTED');
    expect(await code(readJsonLite({ source: { gateway: url }, cid: 'bafy-not-v0' as CidV0 }))).toBe(
      'CORE__INVALID_CID',
    );
  });

  it('reports a server that does not answer in time, and one that is not there', async () => {
    const { url, close } = await serve(() => {
      // Never answers.
    });
    expect(await code(readJsonLite({ source: { kuboApi: url }, cid, timeoutMs: 200 }))).toBe(
      'CHAIN__IPFS_TIMEOUT',
    );
    await close();
    expect(await code(readJsonLite({ source: { kuboApi: url }, cid }))).toBe('CHAIN__IPFS_UNREACHABLE');
  });
});
