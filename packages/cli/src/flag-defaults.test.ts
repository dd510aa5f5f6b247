import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeConfig } from './config-profiles.js';
import { applyFlagDefaults } from './flag-defaults.js';
import type { LocalnetEndpoints } from './localnet-discovery.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'nosana-defaults-'));
  vi.stubEnv('HOME', home);
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(home, { recursive: true, force: true });
});

const option = { type: 'option' };
const networkDefinitions = { network: option, rpc: option, ipfs: option, wallet: option };
const localnet: LocalnetEndpoints = {
  pid: 1,
  dataDir: '/tmp/l',
  rpcUrl: 'http://127.0.0.1:18899',
  wsUrl: 'ws://127.0.0.1:18900',
  ipfsApiUrl: 'http://127.0.0.1:15001',
  ipfsGatewayUrl: 'http://127.0.0.1:15001',
  gatewayUrl: null,
  indexerUrl: 'http://127.0.0.1:18090',
  programs: 'mainnet',
};
/** Parsed flags: `given` as the parser left them, `defaulted` the names it filled from built-in defaults. */
const parsed = (given: Record<string, unknown>, defaulted: string[] = []) => ({
  flags: { ...given },
  metadata: { flags: Object.fromEntries(defaulted.map((name) => [name, { setFromDefault: true }])) },
});

describe('applyFlagDefaults', () => {
  it('fills only flags left at their built-in default or absent, from the active profile', async () => {
    writeConfig({
      profile: 'dev',
      profiles: { dev: { network: 'devnet', rpc: 'https://rpc.example.com', market: 'gpu' } },
    });
    // network at its default (localnet) → the profile's; rpc from a flag or an environment variable stays.
    const run = parsed({ network: 'localnet', rpc: 'https://mine.example.com' }, ['network']);
    const result = await applyFlagDefaults({
      ...run,
      definitions: networkDefinitions,
      findLocalnet: () => localnet,
    });
    expect(run.flags).toEqual({ network: 'devnet', rpc: 'https://mine.example.com' });
    expect(result).toEqual({ profile: 'dev', filled: { network: 'profile' } });
    // A command without a --market flag is not given one; NOSANA_PROFILE picks another profile.
    vi.stubEnv('NOSANA_PROFILE', 'none-such');
    const other = parsed({ network: 'localnet' }, ['network']);
    expect(
      await applyFlagDefaults({ ...other, definitions: networkDefinitions, findLocalnet: () => null }),
    ).toEqual({ profile: 'none-such', filled: {} });
    expect(other.flags).toEqual({ network: 'localnet' });
  });

  it('on localnet, takes the RPC and IPFS URLs (and a built-in indexer) from the running localnet', async () => {
    const run = parsed({ network: 'localnet' }, ['network']);
    await applyFlagDefaults({ ...run, definitions: networkDefinitions, findLocalnet: () => localnet });
    expect(run.flags).toEqual({
      network: 'localnet',
      rpc: localnet.rpcUrl,
      ipfs: localnet.ipfsApiUrl,
    });
    // The explorer's built-in indexer is replaced; job list (no built-in indexer) keeps the RPC scan.
    const explorer = parsed({ indexer: 'http://127.0.0.1:8090' }, ['indexer']);
    await applyFlagDefaults({ ...explorer, definitions: { indexer: option }, findLocalnet: () => localnet });
    expect(explorer.flags.indexer).toBe(localnet.indexerUrl);
    const list = parsed({ network: 'localnet' }, ['network']);
    await applyFlagDefaults({
      ...list,
      definitions: { ...networkDefinitions, indexer: option },
      findLocalnet: () => localnet,
    });
    expect(list.flags.indexer).toBeUndefined();
  });

  it('never mixes the running localnet with another network or another RPC', async () => {
    const devnet = parsed({ network: 'devnet' });
    await applyFlagDefaults({ ...devnet, definitions: networkDefinitions, findLocalnet: () => localnet });
    expect(devnet.flags).toEqual({ network: 'devnet' });
    // Another RPC (flag, variable or profile): its IPFS API is not the running localnet's.
    writeConfig({ profile: 'default', profiles: { default: { rpc: 'http://127.0.0.1:28899' } } });
    const other = parsed({ network: 'localnet' }, ['network']);
    await applyFlagDefaults({ ...other, definitions: networkDefinitions, findLocalnet: () => localnet });
    expect(other.flags).toEqual({ network: 'localnet', rpc: 'http://127.0.0.1:28899' });
  });

  it('reads nothing for commands without such flags (boolean flags of the same name included)', async () => {
    const run = parsed({ gateway: true, indexer: true }, ['gateway', 'indexer']);
    const find = vi.fn(() => localnet);
    const result = await applyFlagDefaults({
      ...run,
      definitions: { gateway: { type: 'boolean' }, indexer: { type: 'boolean' } },
      findLocalnet: find,
    });
    expect(result).toEqual({ profile: null, filled: {} });
    expect(find).not.toHaveBeenCalled();
  });
});
