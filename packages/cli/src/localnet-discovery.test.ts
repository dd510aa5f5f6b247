import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  endpointsFileOf,
  findLocalnet,
  type LocalnetEndpoints,
  localnetEnv,
  pointerFile,
  publishLocalnet,
  readLocalnetEndpoints,
  unpublishLocalnet,
} from './localnet-discovery.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'nosana-discovery-'));
  vi.stubEnv('HOME', home);
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(home, { recursive: true, force: true });
});

const endpoints = (dataDir: string, pid = process.pid): LocalnetEndpoints => ({
  pid,
  dataDir,
  rpcUrl: 'http://127.0.0.1:18899',
  wsUrl: 'ws://127.0.0.1:18900',
  ipfsApiUrl: 'http://127.0.0.1:15001',
  ipfsGatewayUrl: 'http://127.0.0.1:15001',
  gatewayUrl: null,
  indexerUrl: null,
  programs: 'mainnet',
});

/** A pid that no process has (the largest pid Linux hands out is below 2^22). */
const DEAD_PID = 2 ** 22 + 1;

describe('localnet discovery', () => {
  it('publishes the URLs in the data directory and a pointer in the Nosana home (0600), found by default', () => {
    const dataDir = join(home, 'somewhere');
    publishLocalnet(endpoints(dataDir));
    expect(statSync(endpointsFileOf(dataDir)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(pointerFile(), 'utf8'))).toEqual({ dataDir });
    expect(pointerFile()).toBe(join(home, '.nosana', 'current-localnet.json'));
    expect(findLocalnet()).toEqual(endpoints(dataDir));
    expect(findLocalnet({ dataDir })).toEqual(endpoints(dataDir));
    expect(findLocalnet({ dataDir: join(home, 'other') })).toBeNull();
    expect(localnetEnv(endpoints(dataDir))).toEqual({
      NOSANA_NETWORK: 'localnet',
      NOSANA_RPC: 'http://127.0.0.1:18899',
      NOSANA_IPFS_API: 'http://127.0.0.1:15001',
    });
  });

  it('ignores files whose process is gone, and falls back to the default directory', () => {
    const dead = join(home, 'dead');
    publishLocalnet(endpoints(dead, DEAD_PID));
    expect(readLocalnetEndpoints(dead)).toBeNull();
    expect(findLocalnet()).toBeNull();
    const fallback = join(home, '.nosana', 'localnet');
    publishLocalnet(endpoints(fallback));
    publishLocalnet(endpoints(dead, DEAD_PID));
    expect(findLocalnet()?.dataDir).toBe(fallback);
  });

  it('unpublishes its own files only: the pointer stays when it names a localnet started since', () => {
    const [first, second] = [join(home, 'a'), join(home, 'b')];
    publishLocalnet(endpoints(first));
    publishLocalnet(endpoints(second));
    unpublishLocalnet(first, process.pid);
    expect(existsSync(endpointsFileOf(first))).toBe(false);
    expect(findLocalnet()?.dataDir).toBe(second);
    // Another process's file is left alone.
    unpublishLocalnet(second, DEAD_PID);
    expect(existsSync(endpointsFileOf(second))).toBe(true);
    unpublishLocalnet(second, process.pid);
    expect(existsSync(pointerFile())).toBe(false);
    expect(findLocalnet()).toBeNull();
  });
});
