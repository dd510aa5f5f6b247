import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNosanaError } from '@nosana/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openNodeStore } from './store.js';
import { createFakeChain } from './testing.js';
import { assertWalletFree, lockWallet } from './wallet-guard.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nosana-guard-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lockWallet', () => {
  it('lets one node per wallet hold the lock, releases it, and takes over a stale one (regression)', () => {
    const release = lockWallet({ dir, address: 'Wallet1' });
    const file = join(dir, 'node-Wallet1.lock');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    let error: unknown;
    try {
      lockWallet({ dir, address: 'Wallet1' });
    } catch (e) {
      error = e;
    }
    expect(isNosanaError(error, 'NODE__WALLET_LOCKED')).toBe(true);
    expect((error as Error).message).toMatch(/another node \(pid \d+\) already runs with the wallet Wallet1/);
    // Another wallet is independent.
    lockWallet({ dir, address: 'Wallet2' })();
    release();
    expect(existsSync(file)).toBe(false);

    // A lock left by a process that is gone (kill -9) is stale.
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    writeFileSync(file, dead);
    lockWallet({ dir, address: 'Wallet1' })();
  });
});

describe('assertWalletFree', () => {
  it('refuses a wallet that holds a run this state directory does not know', async () => {
    const chain = createFakeChain();
    chain.queue.push(chain.address);
    const job = chain.postJob({ version: '0.1', type: 'container', ops: [] });
    const store = openNodeStore({ dir: join(dir, 'state') });
    try {
      const error = await assertWalletFree({ chain, store }).catch((e: unknown) => e);
      expect(isNosanaError(error, 'NODE__WALLET_IN_USE')).toBe(true);
      expect((error as { context: { jobs: string[] } }).context.jobs).toEqual([job]);
      // Its own run (after a crash) is recovered, not refused.
      await store.put({ job, run: 'R', market: chain.market, phase: 'running', startedAt: 1 });
      await expect(assertWalletFree({ chain, store })).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
