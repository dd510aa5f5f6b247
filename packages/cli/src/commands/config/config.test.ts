/**
 * `nosana config set|get|unset|list|use` in process, in a temporary home: the file and its mode, the envelopes,
 * errors for unknown keys, bad values and unknown profiles, and a command reading its defaults from the active
 * profile below its flags and environment variables.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keypair } from '@solana/web3.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../../test/run-command.js';
import type { ConfigGetResult } from './get.js';
import type { ConfigListResult } from './list.js';
import type { ConfigSetResult } from './set.js';
import type { ConfigUnsetResult } from './unset.js';
import type { ConfigUseResult } from './use.js';

let home: string;
let env: Record<string, string | undefined>;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'nosana-config-'));
  env = {
    HOME: home,
    NOSANA_PROFILE: undefined,
    NOSANA_NETWORK: undefined,
    NOSANA_RPC: undefined,
    NOSANA_IPFS_API: undefined,
    NOSANA_WALLET: undefined,
    NOSANA_MARKET: undefined,
  };
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

type Ok<T> = { status: 'ok'; result: T; warnings: string[] };
type Failed = { status: 'error'; error: { code: string; message: string } };
const nosana = (argv: string[], extra: Record<string, string | undefined> = {}) =>
  runCommand(argv, { env: { ...env, ...extra } });
const configFile = () => join(home, '.nosana', 'config.json');
const keyFile = (name: string) => {
  const key = Keypair.generate();
  const path = join(home, `${name}.json`);
  writeFileSync(path, JSON.stringify(Array.from(key.secretKey)), { mode: 0o600 });
  return { path, address: key.publicKey.toBase58() };
};

describe('nosana config', () => {
  it('sets, gets, lists and unsets values per profile in ~/.nosana/config.json (mode 0600)', async () => {
    const set = await nosana(['config', 'set', 'rpc', 'https://rpc.example.com', '--json']);
    expect(set.code, set.stdout).toBe(0);
    expect(set.json<Ok<ConfigSetResult>>().result).toEqual({
      profile: 'default',
      key: 'rpc',
      value: 'https://rpc.example.com',
      path: configFile(),
    });
    expect(statSync(configFile()).mode & 0o777).toBe(0o600);
    await nosana(['config', 'set', 'network', 'devnet', '--profile', 'dev']);
    // A relative wallet path is stored absolute (commands run from other directories).
    await nosana(['config', 'set', 'wallet', 'keys/dev.json', '-p', 'dev']);
    expect(JSON.parse(readFileSync(configFile(), 'utf8'))).toEqual({
      profile: 'default',
      profiles: {
        default: { rpc: 'https://rpc.example.com' },
        dev: { network: 'devnet', wallet: join(process.cwd(), '../..', 'keys/dev.json') },
      },
    });

    const get = await nosana(['config', 'get', 'rpc']);
    expect(get.stdout).toBe('https://rpc.example.com\n');
    const unsetValue = await nosana(['config', 'get', 'market', '--json']);
    expect(unsetValue.json<Ok<ConfigGetResult>>().result).toEqual({
      profile: 'default',
      key: 'market',
      value: null,
      env: { name: 'NOSANA_MARKET', value: null },
    });
    // An environment variable that overrides the value is said.
    const shadowed = await nosana(['config', 'get', 'rpc', '--json'], { NOSANA_RPC: 'http://127.0.0.1:1' });
    expect(shadowed.json<Ok<ConfigGetResult>>().warnings[0]).toContain('NOSANA_RPC is set');

    const list = (await nosana(['config', 'list', '--profile', 'dev', '--json'])).json<Ok<ConfigListResult>>()
      .result;
    expect(list).toMatchObject({ active: 'default', profile: 'dev', profiles: ['default', 'dev'] });
    expect(list.keys.map((k) => k.key)).toEqual([
      'network',
      'rpc',
      'ipfs-api',
      'wallet',
      'market',
      'gateway',
      'indexer',
    ]);
    expect(list.keys.find((k) => k.key === 'network')).toMatchObject({ value: 'devnet', flag: '--network' });
    expect(list.keys.find((k) => k.key === 'ipfs-api')).toMatchObject({ value: null, flag: '--ipfs' });
    const human = await nosana(['config', 'list']);
    expect(human.stdout).toMatch(/profiles:\s+default\*, dev/);
    expect(human.stdout).toMatch(/rpc:\s+https:\/\/rpc\.example\.com/);

    const unset = await nosana(['config', 'unset', 'rpc', '--json']);
    expect(unset.json<Ok<ConfigUnsetResult>>().result.removed).toBe('https://rpc.example.com');
    expect((await nosana(['config', 'get', 'rpc'])).stdout).toBe('');
  });

  it('use switches the active profile; NOSANA_PROFILE picks one for a shell', async () => {
    await nosana(['config', 'set', 'market', 'gpu', '--profile', 'dev']);
    const use = await nosana(['config', 'use', 'dev', '--json']);
    expect(use.json<Ok<ConfigUseResult>>().result).toEqual({
      profile: 'dev',
      previous: 'default',
      path: configFile(),
    });
    expect((await nosana(['config', 'get', 'market'])).stdout).toBe('gpu\n');
    // `set` without --profile changes the active one.
    await nosana(['config', 'set', 'market', 'cpu']);
    expect((await nosana(['config', 'get', 'market', '--profile', 'dev'])).stdout).toBe('cpu\n');
    expect((await nosana(['config', 'get', 'market'], { NOSANA_PROFILE: 'default' })).stdout).toBe('');
    expect((await nosana(['config', 'use', 'default'])).code).toBe(0);
  });

  it('refuses unknown keys (listing the valid ones), bad values and unknown profiles, changing nothing', async () => {
    const unknown = await nosana(['config', 'set', 'rpc-url', 'https://x.example', '--json']);
    expect(unknown.code).toBe(1);
    const error = unknown.json<Failed>().error;
    expect(error.code).toBe('CLI__CONFIG_KEY_UNKNOWN');
    expect(error.message).toBe(
      '"rpc-url" is not a configuration key — did you mean "rpc"? Valid keys: network, rpc, ipfs-api, wallet, market, gateway, indexer',
    );
    expect((await nosana(['config', 'get', 'colour', '--json'])).json<Failed>().error.message).toBe(
      '"colour" is not a configuration key. Valid keys: network, rpc, ipfs-api, wallet, market, gateway, indexer',
    );
    expect((await nosana(['config', 'get', 'ipfs', '--json'])).json<Failed>().error.message).toContain(
      'did you mean "ipfs-api"?',
    );

    const network = await nosana(['config', 'set', 'network', 'testnet', '--json']);
    expect(network.code).toBe(1);
    expect(network.json<Failed>().error).toEqual({
      code: 'CLI__CONFIG_VALUE_INVALID',
      message: 'config network: "testnet" is not a network — use one of localnet, devnet, mainnet',
    });
    const rpc = await nosana(['config', 'set', 'rpc', 'ftp://x', '--json']);
    expect(rpc.json<Failed>().error.message).toContain('"ftp://x" is not an http(s) URL');
    const profile = await nosana([
      'config',
      'set',
      'rpc',
      'https://x.example',
      '--profile',
      '../etc',
      '--json',
    ]);
    expect(profile.json<Failed>().error.code).toBe('CLI__INVALID_ARGUMENT');

    const use = await nosana(['config', 'use', 'staging', '--json']);
    expect(use.code).toBe(1);
    expect(use.json<Failed>().error).toMatchObject({
      code: 'CLI__CONFIG_PROFILE_UNKNOWN',
      message: expect.stringContaining('existing profiles: default'),
    });
    expect(() => statSync(configFile())).toThrow();
  });

  it('commands take the profile as defaults: flag > environment variable > profile > built-in default', async () => {
    const [fromProfile, fromEnv, fromFlag] = [keyFile('profile'), keyFile('env'), keyFile('flag')];
    await nosana(['config', 'set', 'wallet', fromProfile.path]);
    const address = async (argv: string[], extra: Record<string, string> = {}) =>
      (await nosana(['address', ...argv, '--json'], extra)).json<Ok<{ address: string }>>().result.address;
    expect(await address([])).toBe(fromProfile.address);
    expect(await address([], { NOSANA_WALLET: fromEnv.path })).toBe(fromEnv.address);
    expect(await address(['-w', fromFlag.path], { NOSANA_WALLET: fromEnv.path })).toBe(fromFlag.address);
    // Without the profile's value, the built-in default: ~/.nosana/nosana_key.json (created).
    await nosana(['config', 'unset', 'wallet']);
    const created = (await nosana(['address', '--json'])).json<Ok<{ path: string }>>().result.path;
    expect(created).toBe(join(home, '.nosana', 'nosana_key.json'));
  });

  it('a broken configuration file is reported with its path and the fix, by every command that reads it', async () => {
    mkdirSync(join(home, '.nosana'), { recursive: true });
    writeFileSync(configFile(), '{ "profiles": { "default": { "rpc": "not a url" } } }');
    for (const argv of [['address'], ['config', 'list']]) {
      const run = await nosana([...argv, '--json']);
      expect(run.code).toBe(1);
      expect(run.json<Failed>().error).toEqual({
        code: 'CLI__CONFIG_FILE_INVALID',
        message: `${configFile()}: profiles.default.rpc: "not a url" is not an http(s) URL — give the Solana JSON-RPC URL like https://example.com — fix it, or remove it and set the values again with \`nosana config set\``,
      });
    }
    writeFileSync(configFile(), '{ nope');
    expect((await nosana(['config', 'list', '--json'])).json<Failed>().error.message).toContain(
      'is not valid JSON',
    );
  });
});
