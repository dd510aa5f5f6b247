/**
 * Behaviour shared with the original `nosana` CLI, against a localnet in this process: commands run in process
 * (runCommand) and, for what only a real process shows (standard input), through the built binary (runCli).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MAX_FAUCET_NOS as LOCALNET_MAX_FAUCET_NOS } from '@nosana/localnet';
import { Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { REPO, runCli } from '../../../test/run-cli.js';
import { runCommand } from '../../../test/run-command.js';
import { MAX_FAUCET_NOS } from '../wallet/airdrop.js';
import type { JobPostResult } from './post.js';

const hello = readFileSync(join(REPO, 'examples/hello-world.json'), 'utf8');
let network: TestNetwork;
let env: Record<string, string>;
let server: Server;
let served = '';
let requests = 0;

beforeAll(async () => {
  network = await startTestNetwork();
  env = network.env(network.wallet(10_000_000n).path) as Record<string, string>;
  server = createServer((_, res) => {
    requests++;
    res.end(hello);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  served = `http://127.0.0.1:${(server.address() as AddressInfo).port}/job.json`;
}, 120_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await network?.close();
});

type Ok<T> = { status: 'ok'; result: T };
type Failed = { status: 'error'; error: { code: string; message: string } };

describe('nosana job post', () => {
  it('reads a bare -t as minutes and takes units', async () => {
    const minutes = await runCommand(
      ['job', 'post', '-f', 'examples/hello-world.json', '-t', '30', '--dry-run', '--json'],
      { env },
    );
    expect(minutes.code, minutes.stderr).toBe(0);
    expect(minutes.json<Ok<JobPostResult>>().result.timeout).toBe(1800);
    const seconds = await runCommand(
      ['job', 'post', '-f', 'examples/hello-world.json', '-t', '90s', '--dry-run', '--json'],
      { env },
    );
    expect(seconds.json<Ok<JobPostResult>>().result.timeout).toBe(90);
  });

  it('reads the definition from standard input with -f - (with other flags after it)', async () => {
    const run = await runCli(['job', 'post', '-f', '-', '-m', 'cpu', '--dry-run', '--json'], {
      stdin: hello,
      env,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<Ok<JobPostResult>>().result).toMatchObject({ dryRun: true, timeout: 3600 });
  });

  it('fetches the definition from --url (loopback is allowed on localnet only)', async () => {
    const run = await runCommand(['job', 'post', '--url', served, '--dry-run', '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<Ok<JobPostResult>>().result.dryRun).toBe(true);
    const before = requests;
    const refused = await runCommand(['job', 'post', '--url', served, '--network', 'devnet', '--json'], {
      env: { ...env, NOSANA_RPC: undefined, NOSANA_NETWORK: undefined },
    });
    expect(refused.code).toBe(1);
    expect(refused.json<Failed>().error.code).toBe('CLI__URL_REFUSED');
    expect(requests).toBe(before);
  });
});

describe('no stray output', () => {
  it('job post, extend and stop print nothing but their own output', async () => {
    const posted = await runCommand(['job', 'post', '-f', 'examples/hello-world.json', '-t', '5', '--json'], {
      env,
    });
    expect(posted.code, posted.stderr).toBe(0);
    const { job } = posted.json<Ok<JobPostResult>>().result;
    // Through the binary: web3.js would print its WebSocket error after the command returned.
    const extended = await runCli(['job', 'extend', job, '-t', '5', '--json'], { env });
    expect(extended.code, extended.stderr).toBe(0);
    const stopped = await runCli(['job', 'stop', job, '--json'], { env });
    expect(stopped.code, stopped.stderr).toBe(0);
    for (const run of [posted, extended, stopped]) {
      expect(run.stderr).not.toMatch(/ws error|WebSocket was closed|bigint: Failed/);
      expect(() => run.json()).not.toThrow();
    }
  });
});

describe('nosana job download', () => {
  it('saves an IPFS document by CID, verified, named after it', async () => {
    const cid = await network.localnet.ipfs.addBytes(new TextEncoder().encode(hello));
    const dir = join(network.dir, 'by-cid');
    const run = await runCommand(['job', 'download', cid, dir, '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<Ok<{ files: string[] }>>().result.files).toEqual([join(dir, `${cid}.json`)]);
    expect(readFileSync(join(dir, `${cid}.json`), 'utf8')).toBe(hello);
  });
});

describe('nosana wallet airdrop', () => {
  it('uses the localnet faucet limit', () => {
    expect(MAX_FAUCET_NOS).toBe(LOCALNET_MAX_FAUCET_NOS);
  });

  it('credits nothing at all when one amount is refused', async () => {
    const fresh = Keypair.generate().publicKey.toBase58();
    const lamports = async () => network.localnet.bank.getBalance(fresh);
    const before = await lamports();
    const run = await runCommand(
      ['wallet', 'airdrop', '--to', fresh, '--sol', '2', '--nos', '2000000', '--json'],
      {
        env,
      },
    );
    expect(run.code).toBe(1);
    expect(run.json<Failed>().error.message).toContain('nothing was airdropped');
    expect(await lamports()).toBe(before);
    const ok = await runCommand(['wallet', 'airdrop', '--to', fresh, '--sol', '2', '--json'], { env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(await lamports()).toBe(before + 2n * BigInt(LAMPORTS_PER_SOL));
  });
});

describe('nosana address', () => {
  it('prints the wallet address, like nosana wallet address', async () => {
    const address = await runCommand(['address', '--json'], { env });
    const wallet = await runCommand(['wallet', 'address', '--json'], { env });
    expect(address.code).toBe(0);
    expect(address.json<Ok<{ address: string }>>().result.address).toBe(
      wallet.json<Ok<{ address: string }>>().result.address,
    );
  });
});
