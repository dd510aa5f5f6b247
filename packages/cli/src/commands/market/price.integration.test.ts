import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { runCli } from '../../../test/run-cli.js';
import type { MarketPriceResult } from './price.js';

let network: TestNetwork;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  network = await startTestNetwork();
  env = network.env(network.wallet().path);
});
afterAll(() => network?.close());

describe('nosana market price', () => {
  it('prices the localnet gpu market (300 base units/s, 7200 s) against the cloud at a given NOS price', async () => {
    const json = await runCli(['market', 'price', 'gpu', '--nos-usd', '0.5', '--gpu', 'A100', '--json'], {
      env,
    });
    expect(json.code).toBe(0);
    expect(json.json<{ result: MarketPriceResult }>().result).toMatchObject({
      jobPrice: '300',
      timeoutSeconds: 7200,
      nosPerHour: 1.08,
      usdPerHour: 0.54,
      usdPerMonth: 394.2,
      maxJobNos: 2.16,
      maxJobUsd: 1.08,
      cloud: { provider: 'Google Cloud', usdPerGpuHour: 3.67 },
      savingPercent: 85.3,
    });
    const human = await runCli(['market', 'price', 'gpu', '--gpu', 'A100', '-t', '1h'], {
      env: { ...env, NOSANA_NOS_USD: '0.5' },
    });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/max job cost: +1\.08 NOS = \$0\.5400 \(timeout 3600s\)/);
    expect(human.stdout).toMatch(/saving: +85\.3% against that offer/);
  });

  it('has no cloud equivalent without --gpu, and refuses a bad NOS price before any request', async () => {
    const cpu = await runCli(['market', 'price', 'cpu', '--nos-usd', '0.5'], { env });
    expect(cpu.code).toBe(0);
    expect(cpu.stdout).toMatch(/cloud: +give --gpu to compare/);
    const bad = await runCli(['market', 'price', 'cpu', '--nos-usd', 'free'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--nos-usd free is not a positive USD amount');
  });
});
