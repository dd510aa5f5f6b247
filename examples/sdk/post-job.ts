/**
 * Post a job from TypeScript with @nosana/chain and wait for its result — what `nosana job post --wait` does.
 *
 *   nosana localnet start --detach && nosana wallet airdrop && nosana node start --market cpu &
 *   node --import tsx examples/sdk/post-job.ts examples/hello-world.json
 */
import { readFile } from 'node:fs/promises';
import { createKuboStore, createNosanaClient, loadWallet } from '@nosana/chain';
import { assertValidJobDefinition, type FlowState, formatNos } from '@nosana/core';
import type { Keypair } from '@solana/web3.js';

/** Where to post. Defaults: the localnet on its default ports and ~/.nosana/nosana_key.json. */
export interface PostJobExampleParameters {
  definitionFile: string;
  wallet?: Keypair;
  rpcUrl?: string;
  wsUrl?: string;
  ipfsApiUrl?: string;
  market?: string;
  /** Seconds. */
  timeout?: number;
  onState?: (state: string) => void;
}

/** Validates, posts, waits; returns the job's address, what it cost and its result. */
export async function postJobExample({
  definitionFile,
  wallet = loadWallet().keypair,
  rpcUrl = 'http://127.0.0.1:8899',
  wsUrl = 'ws://127.0.0.1:8900',
  ipfsApiUrl = 'http://127.0.0.1:5001',
  market = 'cpu',
  timeout = 600,
  onState,
}: PostJobExampleParameters): Promise<{ job: string; paid: bigint; result: FlowState }> {
  // Validate first: an invalid definition throws here, before anything is pinned or paid.
  const definition = assertValidJobDefinition(
    JSON.parse(await readFile(definitionFile, 'utf8')),
    definitionFile,
  );
  const client = createNosanaClient({
    network: 'localnet',
    rpcUrl,
    wsUrl,
    wallet,
    ipfs: createKuboStore({ url: ipfsApiUrl }),
  });
  try {
    const posted = await client.jobs.post({ definition, market, timeout });
    const job = await client.jobs.waitFor(posted.job, (j) => j.result !== null || j.state === 'STOPPED', {
      onChange: (j) => onState?.(j.state),
    });
    const result = await client.jobs.result(job.address);
    if (!result) throw new Error(`job ${job.address.toBase58()} was stopped without a result`);
    const paid = job.price * BigInt(Math.min(job.timeEnd - job.timeStart, job.timeout));
    return { job: job.address.toBase58(), paid, result };
  } finally {
    client.close();
  }
}

if (import.meta.filename === process.argv[1]) {
  const { job, paid, result } = await postJobExample({
    definitionFile: process.argv[2] ?? 'examples/hello-world.json',
    onState: (state) => process.stderr.write(`${state}\n`),
  });
  for (const op of result.opStates) for (const line of op.logs) process.stdout.write(`${line.log}\n`);
  process.stdout.write(`job ${job}: ${result.status}, paid ${formatNos(paid)} NOS\n`);
}
