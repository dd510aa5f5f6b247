/**
 * `job post --replicas-verify <n>`: one definition posted as n jobs, each assigned to a different node waiting in
 * the market's queue where there are enough (the rest listed in the market), followed to their ends, and their
 * results' reproducible parts compared (`compareReplicas` in `@nosana/trust`).
 */
import type { JobView, MarketView, NosanaClient } from '@nosana/chain';
import type { CidV0, JobDefinition } from '@nosana/core';
import type { CompareReplicasResult } from '@nosana/trust';
import type { Keypair } from '@solana/web3.js';

/** Parameters of {@link runReplicas}. */
export interface RunReplicasParameters {
  client: NosanaClient;
  market: MarketView;
  /** The definition to pin once (secrets already sealed to the queued nodes). */
  definition: JobDefinition;
  timeout: number;
  count: number;
  /** Opens sealed results (the poster's wallet). */
  wallet: Keypair;
  /** Called once the jobs are posted (job, assigned node or null when listed). */
  onPosted?: (posted: Array<{ job: string; node: string | null }>) => void;
}

/** Result of {@link runReplicas}. */
export interface RunReplicasResult extends CompareReplicasResult {
  /** The definition's CID, pinned once for every replica. */
  definition: string;
  /** The jobs once finished. */
  jobs: JobView[];
}

/**
 * Posts the replicas, waits for every result, compares them.
 *
 * @example
 * ```ts
 * const { agree, differences } = await runReplicas({ client, market, definition, timeout: 600, count: 2, wallet });
 * ```
 */
export async function runReplicas(parameters: RunReplicasParameters): Promise<RunReplicasResult> {
  const { client, market, count } = parameters;
  const [{ compareReplicas }, { openIfSealed }] = await Promise.all([
    import('@nosana/trust'),
    import('./trust.js'),
  ]);
  const queued = market.queueKind === 'nodes' ? market.queue.map((key) => key.toBase58()) : [];
  const nodes = [...new Set(queued)].slice(0, count);
  // Pinned once, with the first replica; the others list the same CID.
  let pinned: CidV0 | undefined;
  const posted: Array<{ job: string; node: string | null }> = [];
  for (let i = 0; i < count; i++) {
    const node = nodes[i] ?? null;
    const sent = await client.jobs.post({
      definition: pinned ? { cid: pinned } : parameters.definition,
      market: market.address,
      timeout: parameters.timeout,
      ...(node ? { node } : {}),
    });
    pinned = sent.definition as CidV0;
    posted.push({ job: sent.job.toBase58(), node });
  }
  parameters.onPosted?.(posted);
  const jobs = await Promise.all(
    posted.map(({ job }) =>
      client.jobs.waitFor(
        job,
        (j) =>
          (j.state === 'COMPLETED' || j.state === 'STOPPED') && (j.result !== null || j.state === 'STOPPED'),
        { pollMs: 1000 },
      ),
    ),
  );
  const results = await Promise.all(
    jobs.map(async (view) => {
      const flow = view.result ? await client.jobs.result(view) : null;
      return {
        job: view.address.toBase58(),
        node: view.node?.toBase58() ?? null,
        flow: flow ? await openIfSealed(flow, view.address.toBase58(), parameters.wallet) : null,
      };
    }),
  );
  return { ...compareReplicas(results), definition: pinned ?? '', jobs };
}
