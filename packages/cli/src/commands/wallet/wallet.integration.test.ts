import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { runCli } from '../../../test/run-cli.js';
import type { JsonEnvelope } from '../../base-command.js';
import type { WalletAddressResult } from './address.js';
import type { WalletAirdropResult } from './airdrop.js';
import type { WalletBalanceResult } from './balance.js';

let network: TestNetwork;
beforeAll(async () => {
  network = await startTestNetwork();
});
afterAll(() => network?.close());

describe('nosana wallet', () => {
  it('address creates a 0600 wallet on first use and prints its address', async () => {
    const path = join(network.dir, 'new-wallet.json');
    const first = await runCli(['wallet', 'address', '--json'], { env: network.env(path) });
    expect(first.code).toBe(0);
    const { result, warnings } = first.json<JsonEnvelope<WalletAddressResult> & { status: 'ok' }>();
    expect(result.address).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
    expect(result.path).toBe(path);
    expect(warnings[0]).toContain('created a new wallet');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = await runCli(['wallet', 'address'], { env: network.env(path) });
    expect(again.stdout.trim()).toBe(result.address);
  });

  it('airdrop funds SOL and NOS on the localnet; balance shows them', async () => {
    const path = join(network.dir, 'airdrop-wallet.json');
    const airdrop = await runCli(['wallet', 'airdrop', '--sol', '2.5', '--nos', '12.5', '--json'], {
      env: network.env(path),
    });
    expect(airdrop.code).toBe(0);
    const dropped = airdrop.json<{ result: WalletAirdropResult }>().result;
    expect(dropped).toMatchObject({ sol: '2500000000', nos: '12500000' });
    expect(dropped.signatures).toHaveLength(2);
    const balance = await runCli(['wallet', 'balance', '--json'], { env: network.env(path) });
    expect(balance.json<{ result: WalletBalanceResult }>().result).toMatchObject({
      sol: '2500000000',
      nos: '12500000',
      xnos: null,
    });
    const human = await runCli(['wallet', 'balance'], { env: network.env(path) });
    expect(human.stdout).toMatch(/SOL:\s+2\.5\n/);
    expect(human.stdout).toMatch(/NOS:\s+12\.5\n/);
  });

  it('refuses a malformed amount, and NOS outside localnet, before sending anything (exit 1)', async () => {
    const path = join(network.dir, 'bad-wallet.json');
    const bad = await runCli(['wallet', 'airdrop', '--sol', 'lots', '--json'], { env: network.env(path) });
    expect(bad.code).toBe(1);
    expect(bad.json<{ error: { code: string } }>().error.code).toBe('CLI__INVALID_FLAG');
    expect(existsSync(path)).toBe(false);
    const mainnet = await runCli(
      ['wallet', 'airdrop', '--nos', '1', '--network', 'mainnet', '--rpc', 'http://127.0.0.1:9', '--json'],
      { env: network.env(path) },
    );
    expect(mainnet.code).toBe(1);
    // Refused as bad input before any request: mainnet has no NOS faucet, so nothing is airdropped.
    const refused = mainnet.json<{ error: { code: string; message: string } }>().error;
    expect(refused.code).toBe('CLI__INVALID_FLAG');
    expect(refused.message).toContain('has no NOS faucet');
  });

  it('balance of an address needs no wallet; an unreachable RPC is exit 3', async () => {
    const { key } = network.wallet(7_000_000n);
    const other = await runCli(['wallet', 'balance', key.publicKey.toBase58(), '--json'], {
      env: network.env(join(network.dir, 'none.json')),
    });
    expect(other.json<{ result: WalletBalanceResult }>().result.nos).toBe('7000000');
    expect(existsSync(join(network.dir, 'none.json'))).toBe(false);
    const down = await runCli(
      ['wallet', 'balance', key.publicKey.toBase58(), '--rpc', 'http://127.0.0.1:9', '--json'],
      { env: network.env(join(network.dir, 'none.json')) },
    );
    expect(down.code).toBe(3);
    expect(down.json<{ error: { code: string } }>().error.code).toBe('CHAIN__RPC_UNREACHABLE');
  }, 30_000);
});
