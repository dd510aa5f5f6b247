/**
 * What a job's owner does to a listed job: stop it (delist or end), extend it, recover a stopped job's deposit.
 */
import { NosanaError } from '@nosana/core';
import type { PublicKey } from '@solana/web3.js';
import {
  delistJobInstruction,
  endJobInstruction,
  extendJobInstruction,
  recoverJobInstruction,
} from '../protocol/builders.js';
import { type ClientContext, pk } from './context.js';
import type { Funds } from './funds.js';
import type { Markets } from './markets.js';
import type { JobView } from './views.js';
import '../errors.js';
import { tokenAccountInstruction } from '../protocol/token.js';

type GetJob = (address: PublicKey | string) => Promise<JobView>;

/** See `jobs.stop`. */
export async function stopJob(
  ctx: ClientContext,
  markets: Markets,
  get: GetJob,
  address: PublicKey | string,
): Promise<{ signature: string; action: 'delist' | 'end' }> {
  const owner = ctx.wallet().publicKey;
  const job = await get(pk(address));
  const market = await markets.get(job.market);
  if (job.state === 'QUEUED') {
    const { signature } = await ctx.send([
      delistJobInstruction({
        job: job.address,
        market: market.address,
        payer: job.payer,
        authority: owner,
        ids: ctx.ids,
      }),
    ]);
    return { signature, action: 'delist' };
  }
  if (job.state === 'RUNNING' && job.run) {
    const { run } = job;
    const { signature } = await ctx.send(
      [
        await tokenAccountInstruction(owner, ctx.ata(run.node), run.node, ctx.ids.nosMint),
        endJobInstruction({
          job: job.address,
          market: market.address,
          run: run.address,
          node: run.node,
          jobPayer: job.payer,
          runPayer: run.payer,
          authority: owner,
          ids: ctx.ids,
        }),
      ],
      [],
      async () => (await get(job.address)).state !== 'RUNNING',
    );
    return { signature, action: 'end' };
  }
  throw new NosanaError(
    'CHAIN__JOB_STATE',
    `job ${job.address.toBase58()} is ${job.state}: only queued or running jobs can be stopped`,
    { address: job.address.toBase58(), state: job.state, operation: 'stop' },
  );
}

/** See `jobs.extend`. */
export async function extendJob(
  ctx: ClientContext,
  markets: Markets,
  funds: Funds,
  get: GetJob,
  address: PublicKey | string,
  seconds: number,
): Promise<{ signature: string; timeout: number }> {
  const owner = ctx.wallet().publicKey;
  const job = await get(address);
  if (job.state !== 'QUEUED' && job.state !== 'RUNNING') {
    throw new NosanaError(
      'CHAIN__JOB_STATE',
      `job ${job.address.toBase58()} is ${job.state}: only queued or running jobs can be extended`,
      { address: job.address.toBase58(), state: job.state, operation: 'extend' },
    );
  }
  const market = await markets.get(job.market);
  await funds.requireFunds(owner, job.price * BigInt(seconds), []);
  const timeout = job.timeout + seconds;
  const { signature } = await ctx.send([
    extendJobInstruction({
      job: job.address,
      market: market.address,
      authority: owner,
      timeout,
      ids: ctx.ids,
    }),
  ]);
  return { signature, timeout };
}

/** See `jobs.recover`. */
export async function recoverJob(
  ctx: ClientContext,
  markets: Markets,
  get: GetJob,
  address: PublicKey | string,
): Promise<{ signature: string }> {
  const owner = ctx.wallet().publicKey;
  const job = await get(address);
  const market = await markets.get(job.market);
  return ctx.send([
    recoverJobInstruction({
      job: job.address,
      market: market.address,
      payer: job.payer,
      authority: owner,
      ids: ctx.ids,
    }),
  ]);
}
