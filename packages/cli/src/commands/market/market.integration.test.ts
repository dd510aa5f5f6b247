import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { runCli } from '../../../test/run-cli.js';
import type { MarketSummary } from './get.js';
import type { MarketListResult } from './list.js';

let network: TestNetwork;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  network = await startTestNetwork();
  env = network.env(network.wallet().path);
});
afterAll(() => network?.close());

describe('nosana market', () => {
  it('list shows every market with its price per second and hour', async () => {
    const json = await runCli(['market', 'list', '--json'], { env });
    expect(json.code).toBe(0);
    const { markets } = json.json<{ result: MarketListResult }>().result;
    expect(markets.map((m) => [m.name, m.jobPrice, m.jobTimeout])).toEqual(
      expect.arrayContaining([
        ['cpu', '100', 3600],
        ['gpu', '300', 7200],
      ]),
    );
    const human = await runCli(['market', 'list'], { env });
    expect(human.stdout).toMatch(/^NAME\s+ADDRESS\s+NOS\/S\s+NOS\/H\s+TIMEOUT\s+QUEUE$/m);
    expect(human.stdout).toMatch(/^cpu\s+\w+\s+0\.0001\s+0\.36\s+3600s\s+empty$/m);
  });

  it('get resolves a name or an address', async () => {
    const byName = (await runCli(['market', 'get', 'gpu', '--json'], { env })).json<{
      result: MarketSummary;
    }>().result;
    expect(byName).toMatchObject({ name: 'gpu', jobType: 4, nodeAccessKey: null, queueKind: 'empty' });
    const byAddress = await runCli(['market', 'get', byName.address], { env });
    expect(byAddress.code).toBe(0);
    expect(byAddress.stdout).toContain('0.0003 NOS/s (1.08 NOS/h)');
  });

  it('an unknown market is an input error (exit 1) naming it', async () => {
    const missing = await runCli(['market', 'get', 'tpu', '--json'], { env });
    expect(missing.code).toBe(1);
    expect(missing.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'CHAIN__MARKET_NOT_FOUND',
    });
    expect(missing.json<{ error: { message: string } }>().error.message).toContain('tpu');
  });
});
