/** The composition root without a network: it wires, locks and releases; the chain is unreachable on purpose. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNosanaError } from '@nosana/core';
import { createFakeEngine } from '@nosana/runtime/testing';
import { Keypair } from '@solana/web3.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHostNode } from './node.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nosana-host-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const start = (wallet: Keypair, stateDir: string) =>
  startHostNode({
    network: 'localnet',
    // Nothing listens on port 1 of loopback: the node fails its market check and stops.
    rpcUrl: 'http://127.0.0.1:1',
    wallet,
    stateDir,
    lockDir: join(dir, 'locks'),
    engine: createFakeEngine(),
    detectedGpus: { gpus: [], cudaVersion: null, reason: 'unit test' },
    api: { port: 0 },
    log: false,
    checks: { minDiskBytes: 0 },
  });

describe('startHostNode', () => {
  it('takes the wallet lock and the state directory, refuses a second node, and releases both when done', async () => {
    const wallet = Keypair.generate();
    const lock = join(dir, 'locks', `node-${wallet.publicKey.toBase58()}.lock`);
    const first = await start(wallet, join(dir, 'a'));
    expect(existsSync(lock)).toBe(true);
    expect(first.api?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const second = await start(wallet, join(dir, 'b')).catch((error: unknown) => error);
    expect(isNosanaError(second, 'NODE__WALLET_LOCKED')).toBe(true);
    const sameDir = await start(Keypair.generate(), join(dir, 'a')).catch((error: unknown) => error);
    expect(isNosanaError(sameDir, 'NODE__ALREADY_RUNNING')).toBe(true);

    const ended = await first.done.catch((error: unknown) => error);
    expect(isNosanaError(ended, 'NODE__CHECK_FAILED')).toBe(true);
    expect(existsSync(lock)).toBe(false);
    expect(existsSync(join(dir, 'a', 'node.pid'))).toBe(false);
    // Everything was released: the same wallet and directory start again.
    const again = await start(wallet, join(dir, 'a'));
    await again.stop();
    expect(existsSync(lock)).toBe(false);
  });
});
