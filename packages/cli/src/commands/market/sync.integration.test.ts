/**
 * Market directories, in process against a localnet: `market sync` reads a directory in the vendor's shape from a
 * loopback server (or a file), stores it in the Nosana home, and from then on names resolve, unknown names are
 * listed, and `node start` judges markets on the directory's GPU lists.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseGpuQuery } from '@nosana/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { runCommand } from '../../../test/run-command.js';
import { chooseMarket, marketImages } from '../../node-market.js';
import type { MarketSummary } from './get.js';
import type { MarketSyncResult } from './sync.js';

type Ok<T> = { status: 'ok'; result: T; warnings: string[] };
type Failed = { status: 'error'; error: { code: string; message: string } };

let network: TestNetwork;
let server: Server;
let url: string;
let home: string;
let cpu: string;
let gpu: string;
const env = () => ({ ...network.env(network.wallet().path), HOME: home });

beforeAll(async () => {
  network = await startTestNetwork();
  home = mkdtempSync(join(network.dir, 'home-'));
  const client = network.client();
  const markets = await client.markets.list();
  cpu = markets.find((m) => m.name === 'cpu')!.address.toBase58();
  gpu = markets.find((m) => m.name === 'gpu')!.address.toBase58();
  // The localnet's two markets as the vendor's GET /api/markets/ would publish them, and one bad entry.
  const answer = [
    {
      address: gpu,
      slug: 'nvidia-h100',
      name: 'NVIDIA H100',
      sft: cpu,
      type: 'PREMIUM',
      usd_reward_per_hour: 1.5,
      nos_reward_per_second: 0.0003,
      nos_job_price_per_second: 0.0003,
      network_fee_percentage: 0,
      premium_community_relation: null,
      gpu_types: ['NVIDIA H100 80GB HBM3'],
      required_images: ['busybox:1.35'],
      required_remote_resources: [],
      client: true,
      lowest_vram: 80,
    },
    { address: cpu, slug: 'cpu-only', name: 'CPU only', type: 'OTHER', gpu_types: [], required_images: [] },
    { address: 'nope', slug: 'broken' },
  ];
  server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/markets/`;
}, 120_000);

afterAll(async () => {
  server?.close();
  await network?.close();
});

describe('nosana market sync', () => {
  it('stores the directory, leaving out bad entries with why', async () => {
    const run = await runCommand(['market', 'sync', '--from', url, '--json'], { env: env() });
    expect(run.code, run.stdout).toBe(0);
    const { result, warnings } = run.json<Ok<MarketSyncResult>>();
    expect(result).toMatchObject({
      network: 'localnet',
      source: url,
      path: join(home, '.nosana/markets/localnet.json'),
      dropped: [{ index: 2, reason: expect.stringContaining('not a Solana address') }],
    });
    expect(result.markets.map((m) => [m.slug, m.address])).toEqual([
      ['nvidia-h100', gpu],
      ['cpu-only', cpu],
    ]);
    expect(warnings).toEqual([expect.stringContaining("left out the directory's entry 2")]);
    const human = await runCommand(['market', 'sync', '--from', url], { env: env() });
    expect(human.stdout).toMatch(/^nvidia-h100\s+PREMIUM\s+NVIDIA H100 80GB HBM3 ≥ 80 GB\s+\w+$/m);
    expect(human.stdout).toContain(`2 market(s) of localnet from ${url}`);
  });

  it('then every command takes the names, and an unknown one lists them', async () => {
    await runCommand(['market', 'sync', '--from', url, '--json'], { env: env() });
    const byName = await runCommand(['market', 'get', 'nvidia-h100', '--json'], { env: env() });
    expect(byName.code, byName.stdout).toBe(0);
    expect(byName.json<Ok<MarketSummary>>().result.address).toBe(gpu);
    const unknown = await runCommand(['market', 'get', 'nvidia-b200', '--json'], { env: env() });
    expect(unknown.code).toBe(1);
    expect(unknown.json<Failed>().error.message).toMatch(/known: .*cpu-only.*nvidia-h100/);
  });

  it('judges markets on the directory’s GPU list in node start, and names their images for the pre-pull', async () => {
    await runCommand(['market', 'sync', '--from', url, '--json'], { env: env() });
    const { loadDirectory } = await import('../../market-directory.js');
    const saved = process.env.HOME;
    process.env.HOME = home;
    const { directory } = await loadDirectory('localnet').finally(() => {
      process.env.HOME = saved;
    });
    expect(directory?.markets).toHaveLength(2);
    const client = network.client(network.wallet().key);
    const rtx3060 = parseGpuQuery('0, NVIDIA GeForce RTX 3060 Laptop GPU, GPU-1, 6144, 550.90.07');
    const h100 = parseGpuQuery('0, NVIDIA H100 80GB HBM3, GPU-1, 81559, 550.90.07');
    const lines: string[] = [];
    // Without the directory any GPU qualifies for the GPU market; with it, only the model it lists.
    expect(await chooseMarket({ client, flag: 'auto', gpus: rtx3060, log: () => undefined })).toBe(gpu);
    expect(
      await chooseMarket({ client, flag: 'auto', gpus: rtx3060, directory, log: (l) => lines.push(l) }),
    ).toBe(cpu);
    expect(lines.join('\n')).toContain(
      'GPU model: needs NVIDIA H100 80GB HBM3, host has NVIDIA GeForce RTX 3060',
    );
    expect(await chooseMarket({ client, flag: 'auto', gpus: h100, directory, log: () => undefined })).toBe(
      gpu,
    );
    expect(marketImages(directory!).get('nvidia-h100')).toEqual(['busybox:1.35']);
    expect(marketImages(directory!).get(gpu)).toEqual(['busybox:1.35']);
  });

  it('refuses a file that is not a directory or has no usable market (exit 1, the stored one kept), and asks for --from where nothing is published', async () => {
    await runCommand(['market', 'sync', '--from', url, '--json'], { env: env() });
    const file = join(network.dir, 'markets.json');
    writeFileSync(file, '{"markets": "none"}');
    const bad = await runCommand(['market', 'sync', '--from', file, '--json'], { env: env() });
    expect(bad.code).toBe(1);
    expect(bad.json<Failed>().error).toMatchObject({
      code: 'CLI__DIRECTORY_FILE_INVALID',
      message: expect.stringContaining(`${file} is not a market directory`),
    });
    writeFileSync(file, JSON.stringify([{ address: 'nope', slug: 'x' }]));
    const empty = await runCommand(['market', 'sync', '--from', file, '--json'], { env: env() });
    expect(empty.code).toBe(1);
    expect(empty.json<Failed>().error).toMatchObject({
      code: 'CLI__DIRECTORY_EMPTY',
      message: expect.stringContaining('nothing was stored'),
    });
    // The directory stored before is still there.
    const stillNamed = await runCommand(['market', 'get', 'nvidia-h100', '--json'], { env: env() });
    expect(stillNamed.code).toBe(0);
    const none = await runCommand(['market', 'sync', '--json'], { env: env() });
    expect(none.code).toBe(1);
    expect(none.json<Failed>().error.message).toMatch(
      /no market directory is published for localnet.*--from/,
    );
    const unreachable = await runCommand(['market', 'sync', '--from', 'http://127.0.0.1:1/', '--json'], {
      env: env(),
    });
    expect(unreachable.code).toBe(3);
    expect(unreachable.json<Failed>().error.code).toBe('CHAIN__MARKET_DIRECTORY_UNREADABLE');
  });
});
