/**
 * `job post --replicas-verify <n>`: one definition posted as n jobs, each assigned to a different node waiting in
 * the market's queue where there are enough (the rest listed in the market), followed to their ends, and their
 * results' reproducible parts compared (`compareReplicas` in `@nosana/trust`).
 */
import type { JobView, MarketView, NosanaClient } from '@nosana/chain';
import type { CidV0, JobDefinition } from '@nosana/core';
import type { CompareReplicasResult } from '@nosana/trust';
import { ux } from '@oclif/core';
import type { Keypair } from '@solana/web3.js';
import { spin } from './output.js';

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

/** Parameters of {@link verifyReplicas}. */
export interface VerifyReplicasParameters extends Omit<RunReplicasParameters, 'onPosted'> {
  /** Escrow of one replica (price × timeout), NOS base units. */
  deposit: bigint;
  /** `--json`: no spinner. */
  json: boolean;
  log(line: string): void;
  warn(message: string): void;
}

/** What `job post --replicas-verify` returns: the first replica as the job, every replica and the verdict. */
export interface VerifyReplicasResult {
  job: string;
  market: string;
  definition: string;
  deposit: string;
  timeout: number;
  signature: string;
  matched: boolean;
  dryRun: false;
  services: [];
  replicas: CompareReplicasResult;
}

/**
 * `job post --replicas-verify`: runs the replicas with their progress and verdict printed; throws
 * `CLI__REPLICAS_DISAGREE` (with the result) when they do not agree.
 *
 * @example
 * ```ts
 * const result = await verifyReplicas({ client, market, definition, timeout, deposit, count: 2, wallet, json, log, warn });
 * ```
 */
export async function verifyReplicas(parameters: VerifyReplicasParameters): Promise<VerifyReplicasResult> {
  const { market, timeout, deposit, count, log } = parameters;
  const { NosanaError, formatNos } = await import('@nosana/core');
  log(`Posting ${count} replicas: ${formatNos(deposit * BigInt(count))} NOS in escrow in all`);
  const compared = await spin(parameters.json, `Running ${count} replicas`, () =>
    runReplicas({
      ...parameters,
      onPosted: (posted) => {
        for (const { job, node } of posted)
          log(
            `  ${job} ${node ? `assigned to node ${node}` : 'listed in the market (not enough queued nodes)'}`,
          );
      },
    }),
  );
  for (const replica of compared.replicas)
    log(
      `${replica.job}: ${replica.status ?? 'no result'} on ${replica.node ?? '—'}, sha256 ${replica.digest?.slice(0, 16) ?? '—'}…`,
    );
  if (!compared.independent)
    parameters.warn('some replicas ran on the same node: their agreement proves less');
  const { jobs, definition: cid, ...verdict } = compared;
  const result: VerifyReplicasResult = {
    job: jobs[0]!.address.toBase58(),
    market: market.address.toBase58(),
    definition: cid,
    deposit: (deposit * BigInt(count)).toString(),
    timeout,
    signature: '',
    matched: jobs.every((j) => j.node !== null),
    dryRun: false,
    services: [],
    replicas: verdict,
  };
  if (!verdict.agree)
    throw new NosanaError(
      'CLI__REPLICAS_DISAGREE',
      `the ${count} replicas do not agree: ${verdict.differences.slice(0, 5).join('; ')}`,
      { jobs: verdict.replicas.map((r) => r.job), differences: verdict.differences, result },
    );
  log(`${ux.colorize('green', '✔')} The ${count} replicas agree`);
  return result;
}
