/**
 * `job post --confidential` end to end on a localnet, a gateway and a node (startHostNode, the real Docker engine)
 * in this process: IPFS holds the placeholder and a blank result, the definition reaches the node through the
 * gateway's node-API tunnel, the real result comes back to the poster's wallet only; nothing of the definition or
 * the result is left in clear in the localnet's data (IPFS, ledger) or the node's state directory.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedChainReader, createChainReader, type Gateway, startGateway } from '@nosana/gateway';
import type { HostNode } from '@nosana/node';
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { runCommand } from '../../../test/run-command.js';
import type { JobGetResult } from './get.js';
import type { JobPostResult } from './post.js';

const NOS = 1_000_000n;
/** In the definition only (an env value): never on IPFS, the ledger or the node's disk. */
const SECRET = `hf_${Keypair.generate().publicKey.toBase58()}`;
/** Printed by the container, so in the result only. */
const OUTPUT = `confidential-output-${Keypair.generate().publicKey.toBase58().slice(0, 12)}`;

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else if (stat.isFile() && readFileSync(path).includes(Buffer.from(needle))) hits.push(path);
  };
  walk(dir);
  return hits;
}

let network: TestNetwork;
let gateway: Gateway;
let host: HostNode;
/** The node API through the gateway's tunnel (`/s/<node>` on a gateway on localhost). */
let viaGateway: string;
let poster: { path: string; env: NodeJS.ProcessEnv };
beforeAll(async () => {
  network = await startTestNetwork();
  gateway = await startGateway({
    domain: 'localhost',
    listen: { host: '127.0.0.1', port: 0 },
    chain: cachedChainReader({ reader: createChainReader({ client: network.client() }), ttlMs: 500 }),
  });
  const wallet = network.wallet(100n * NOS);
  poster = { path: wallet.path, env: network.env(wallet.path) };
  host = await network.host({ api: { port: 0 }, gateway: { url: gateway.url } });
  expect(await host.publicApi).not.toBeNull();
  viaGateway = `${gateway.url}/s/${host.address}`;
}, 120_000);
afterAll(async () => {
  await network?.close();
  await gateway?.close();
});

type Ok<T> = { status: 'ok'; result: T };

describe('nosana job post --confidential', () => {
  it('delivers the definition through the gateway and brings the result back to the poster only', async () => {
    const file = join(network.dir, 'confidential.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: '0.1',
        type: 'container',
        ops: [
          {
            type: 'container/run',
            id: 'main',
            args: {
              image: 'busybox:1.35',
              env: { TOKEN: SECRET },
              cmd: ['sh', '-c', `echo ${OUTPUT}; echo "token-length=\${#TOKEN}"`],
            },
          },
        ],
      }),
    );
    const posted = await runCommand(
      ['job', 'post', '-f', file, '--confidential', '--wait', '--node-api', viaGateway, '--json'],
      { env: poster.env },
    );
    expect(posted.code, posted.stderr).toBe(0);
    const result = posted.json<Ok<JobPostResult>>().result;
    expect(result.confidential).toEqual({ node: host.address });
    expect(result.final?.status).toBe('success');
    const logs = result.final?.flow?.opStates[0]?.logs.map((l) => l.log);
    expect(logs).toEqual([OUTPUT, `token-length=${SECRET.length}`]);

    // On chain and IPFS: the placeholder, and a blank result.
    const client = network.client();
    const job = await client.jobs.get(result.job);
    expect(await client.jobs.definition(job)).toMatchObject({
      ops: [],
      logistics: { send: { type: 'api-listen' } },
    });
    expect(await client.jobs.result(job)).toMatchObject({ status: 'success', opStates: [] });

    // The owner gets it again later from the node; another wallet gets the blank one.
    const got = await runCommand(['job', 'get', result.job, '--logs', '--node-api', viaGateway], {
      env: poster.env,
    });
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toContain(OUTPUT);
    const stranger = network.wallet();
    const denied = await runCommand(
      ['job', 'get', result.job, '--logs', '--node-api', viaGateway, '--json'],
      {
        env: network.env(stranger.path),
      },
    );
    expect(denied.code, denied.stderr).toBe(0);
    const blank = denied.json<Ok<JobGetResult> & { warnings: string[] }>();
    expect(blank.result.status).toBe('success');
    expect(denied.stdout + denied.stderr).not.toContain(OUTPUT);
    expect(blank.warnings.join('\n')).toMatch(/did not give its result .*HTTP 401/);

    // The blank result carries the node's receipt about the placeholder: it verifies against the chain.
    const verified = await runCommand(['job', 'verify', result.job, '--json'], { env: poster.env });
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);

    // Nothing in clear where the public or the node's disk could read it.
    for (const needle of [SECRET, OUTPUT]) {
      expect(filesContaining(network.localnet.dataDir, needle), needle).toEqual([]);
      expect(filesContaining(host.stateDir, needle), needle).toEqual([]);
    }
  }, 180_000);
});
