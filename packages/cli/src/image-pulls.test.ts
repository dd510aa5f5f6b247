import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { activePulls, describePull, fetchNodeJob, formatBytes } from './image-pulls.js';

describe('describePull', () => {
  it('shows bytes and percent while downloading, in the unit of the total', () => {
    expect(
      describePull({ opId: 'a', image: 'app:1', phase: 'downloading', current: 1.2e9, total: 2e9 }),
    ).toBe('pulling app:1 1.2/2.0 GB (60 %)');
    expect(describePull({ opId: 'a', image: 'app:1', phase: 'downloading', current: 5e5, total: 2e8 })).toBe(
      'pulling app:1 0.5/200.0 MB (0 %)',
    );
    expect(describePull({ opId: 'a', image: 'app:1', phase: 'downloading', current: 0, total: 0 })).toBe(
      'pulling app:1',
    );
  });
  it('says extracting, then pulled, with the size', () => {
    expect(describePull({ opId: 'a', image: 'x', phase: 'extracting', current: 2e9, total: 2e9 })).toBe(
      'extracting x (2.0 GB)',
    );
    expect(describePull({ opId: 'a', image: 'x', phase: 'complete', current: 3e6, total: 3e6 })).toBe(
      'pulled x (3.0 MB)',
    );
  });
  it('formats bytes in decimal units', () => {
    expect([formatBytes(999), formatBytes(1500), formatBytes(38.4e6), formatBytes(1.25e9)]).toEqual([
      '999 B',
      '2 kB',
      '38.4 MB',
      '1.3 GB',
    ]);
  });
});

describe('fetchNodeJob', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());
  const serve = async (body: unknown) => {
    server = createServer((_, response) => response.end(JSON.stringify(body)));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it('reads a running job’s pulls and endpoints from /node/info, dropping malformed entries', async () => {
    const url = await serve({
      jobs: [
        { job: 'other', pulls: {} },
        {
          job: 'J',
          endpoints: [{ opId: 'web', port: 80, url: 'http://127.0.0.1:1', status: 'ONLINE' }],
          pulls: {
            web: { image: 'app:1', phase: 'downloading', current: 10, total: 20, status: 'Downloading' },
            bad: { image: 42, current: 'x' },
            done: { image: 'db:1', phase: 'complete', current: 5, total: 5 },
          },
        },
      ],
    });
    const view = await fetchNodeJob(url, 'J');
    expect(view?.endpoints).toHaveLength(1);
    expect(view?.pulls).toEqual([
      { opId: 'web', image: 'app:1', phase: 'downloading', current: 10, total: 20 },
      { opId: 'done', image: 'db:1', phase: 'complete', current: 5, total: 5 },
    ]);
    expect(activePulls(view!.pulls).map((p) => p.opId)).toEqual(['web']);
    expect(await fetchNodeJob(url, 'missing')).toBeUndefined();
  });

  it('is undefined when no node answers', async () => {
    expect(await fetchNodeJob('http://127.0.0.1:1', 'J', 500)).toBeUndefined();
  });
});
