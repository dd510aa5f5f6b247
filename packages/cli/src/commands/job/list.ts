import type { JobView, NosanaClient } from '@nosana/chain';
import type { FlowStatus } from '@nosana/core';
import { Flags } from '@oclif/core';
import type { PublicKey } from '@solana/web3.js';
import { type ChosenIndexer, indexerFor, NO_INDEXER } from '../../indexer-discovery.js';
import { parseJobState, solanaAddress } from '../../input.js';
import { type JobSummary, summarizeJob } from '../../jobs.js';
import { NetworkCommand } from '../../network-command.js';
import { formatSeconds, spin, state, table } from '../../output.js';

/** A listed job with the status of its result (null while it has none, or when the result cannot be read). */
export type ListedJob = JobSummary & { status: FlowStatus | null };

/** What `nosana job list --json` returns. */
export interface JobListResult {
  jobs: ListedJob[];
  /** The indexer the jobs were listed through, or null when they were scanned over RPC. */
  indexer: string | null;
}

export default class JobList extends NetworkCommand<JobListResult> {
  static override summary = 'list jobs, newest first, filtered by market, state, node or poster';
  static override description =
    'Newest first: jobs not started yet (queued), then by start time. A completed job whose result says it failed or was stopped by its poster is shown as FAILED or STOPPED (the result is read from IPFS for the jobs shown); --json gives the chain state and the result status (`status`). Jobs are listed through an indexer when one is known: --indexer (or NOSANA_INDEXER_URL), else on the localnet the one it announces (`nosana localnet start` runs one); --indexer none, or no indexer, scans every Job account over RPC.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --mine',
    '<%= config.bin %> <%= command.id %> --market cpu --state running',
    '<%= config.bin %> <%= command.id %> --node <node-address> --limit 5 --json',
    '<%= config.bin %> <%= command.id %> --indexer none',
  ];
  static override flags = {
    market: Flags.string({ char: 'm', summary: 'market address (or name on localnet)' }),
    state: Flags.string({
      char: 's',
      summary: 'job state: QUEUED, RUNNING, COMPLETED or STOPPED (any case)',
    }),
    node: Flags.string({ summary: 'jobs run by this node' }),
    poster: Flags.string({ summary: 'jobs posted by this address' }),
    mine: Flags.boolean({ summary: 'jobs posted by the wallet', exclusive: ['poster'] }),
    limit: Flags.integer({ char: 'l', summary: 'at most this many', default: 20, min: 1 }),
    indexer: Flags.string({
      summary:
        'indexer API URL to list through (default on the localnet: the one it announces; none: scan over RPC)',
      env: 'NOSANA_INDEXER_URL',
    }),
  };

  async run(): Promise<JobListResult> {
    const { flags } = await this.parse(JobList);
    const jobState = flags.state === undefined ? undefined : await parseJobState(flags.state);
    for (const [flag, value] of [
      ['node', flags.node],
      ['poster', flags.poster],
    ] as const)
      if (value !== undefined) await solanaAddress(value, `--${flag}`);
    const client = await this.client(flags, { wallet: flags.mine ? 'read' : 'none' });
    const poster = flags.mine ? client.address().toBase58() : flags.poster;
    // An indexer when one is known (one query) instead of the RPC scan.
    const indexer = await indexerFor(flags.indexer, client.network);
    const market =
      indexer && flags.market ? (await client.markets.resolve(flags.market)).toBase58() : undefined;
    const indexed = indexer ? await this.listIndexed(indexer, { ...flags, market, poster }) : null;
    if (!indexed && flags.indexer !== NO_INDEXER) {
      this.warnUser(
        'listing through RPC loads every Job account (getProgramAccounts): slow and costly on large networks — use --indexer <url> or NOSANA_INDEXER_URL',
      );
    }
    const jobs =
      indexed ??
      (await spin(this.jsonEnabled(), 'Fetching jobs', () =>
        client.jobs.list({
          ...(flags.market ? { market: flags.market } : {}),
          ...(jobState ? { state: jobState } : {}),
          ...(flags.node ? { node: flags.node } : {}),
          ...(poster ? { project: poster } : {}),
        }),
      ));
    // Newest first: never started (queued) first, then by start time; then the results' statuses of the page.
    const page = newestFirst(jobs).slice(0, flags.limit);
    const statuses = await spin(this.jsonEnabled(), 'Reading results', () => resultStatuses(client, page));
    const statusOf = new Map(page.map((j, i) => [j.address.toBase58(), statuses[i] ?? null]));
    const now = Math.floor(Date.now() / 1000);
    this.log(
      page.length === 0
        ? 'No jobs match.'
        : table(page, [
            { header: 'JOB', get: (j) => j.address.toBase58() },
            {
              header: 'STATE',
              get: (j) => state(shownState(j.state, statusOf.get(j.address.toBase58()) ?? null)),
            },
            { header: 'NODE', get: (j) => j.node?.toBase58() ?? '' },
            {
              header: 'RAN',
              get: (j) => (j.timeStart > 0 ? formatSeconds((j.timeEnd || now) - j.timeStart) : ''),
              align: 'right',
            },
            { header: 'RESULT', get: (j) => j.result ?? '' },
          ]),
    );
    const summaries = indexed
      ? page.map((j) => indexed.summaries.find((x) => x.address === j.address.toBase58())!)
      : (page as JobView[]).map(summarizeJob);
    return {
      jobs: summaries.map((j, i) => ({ ...j, status: statuses[i] ?? null })),
      indexer: indexed ? indexer!.url : null,
    };
  }

  /**
   * Lists through the indexer. One the user named fails the command when it cannot answer; one the localnet
   * announced that cannot answer, or has not finished its first backfill, gives way to the RPC scan (null).
   */
  private async listIndexed(indexer: ChosenIndexer, query: Parameters<typeof listThroughIndexer>[1]) {
    if (indexer.source === 'flag') return listThroughIndexer(indexer.url, query);
    try {
      const { createIndexerClient } = await import('@nosana/indexer');
      const { synced } = await createIndexerClient({ url: indexer.url, timeoutMs: 3000 }).health();
      if (synced) return await listThroughIndexer(indexer.url, query);
      this.warnUser(
        `the localnet's indexer ${indexer.url} is still catching up: listing through RPC instead`,
      );
    } catch (error) {
      this.warnUser(
        `the localnet's indexer ${indexer.url} did not answer (${(error as Error).message}): listing through RPC instead`,
      );
    }
    return null;
  }
}

type Listed = { address: PublicKey; state: JobSummary['state']; timeStart: number; result: string | null };

/** Newest first: jobs that never started (queued) first, then by start time, later first. */
export function newestFirst<T extends Pick<Listed, 'timeStart'>>(jobs: readonly T[]): T[] {
  const key = (j: T) => (j.timeStart > 0 ? j.timeStart : Number.POSITIVE_INFINITY);
  return [...jobs].sort((a, b) => (key(a) === key(b) ? 0 : key(a) > key(b) ? -1 : 1));
}

/** What the STATE column shows: a completed job whose result failed or was stopped is FAILED or STOPPED. */
export function shownState(chainState: string, status: FlowStatus | null): string {
  if (chainState !== 'COMPLETED' || status === null || status === 'success') return chainState;
  return status === 'stopped' ? 'STOPPED' : 'FAILED';
}

/** The result status of each job that has a result (read from IPFS, 8 at a time; null when unreadable). */
async function resultStatuses(
  client: NosanaClient,
  jobs: readonly Listed[],
): Promise<Array<FlowStatus | null>> {
  const statuses: Array<FlowStatus | null> = jobs.map(() => null);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      const job = jobs[i]!;
      if (!job.result) continue;
      statuses[i] = (await client.jobs.result(job.address).catch(() => null))?.status ?? null;
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, jobs.length) }, worker));
  return statuses;
}

/** Lists through the indexer API; returns views for the table and the summaries for `--json`. */
async function listThroughIndexer(
  url: string,
  flags: { market?: string; state?: string; node?: string; poster?: string; limit: number },
) {
  const [{ createIndexerClient }, { PublicKey }] = await Promise.all([
    import('@nosana/indexer'),
    import('@solana/web3.js'),
  ]);
  const rows = await createIndexerClient({ url }).listJobs({
    ...(flags.market ? { market: flags.market } : {}),
    ...(flags.state ? { status: flags.state as JobSummary['state'] } : {}),
    ...(flags.node ? { node: flags.node } : {}),
    ...(flags.poster ? { project: flags.poster } : {}),
    limit: flags.limit,
  });
  const summaries: JobSummary[] = rows.map((j) => ({
    address: j.address,
    state: j.status === 'DELISTED' ? 'STOPPED' : j.status,
    market: j.market,
    node: j.node,
    poster: j.project,
    definition: j.definition,
    result: j.result,
    price: j.price,
    timeout: j.timeout,
    timeStart: j.timeline.started ?? 0,
    timeEnd: j.timeline.finished ?? 0,
    run: null,
  }));
  return Object.assign(
    summaries.map((j) => ({
      address: new PublicKey(j.address),
      state: j.state,
      node: j.node ? new PublicKey(j.node) : null,
      timeStart: j.timeStart,
      timeEnd: j.timeEnd,
      result: j.result,
    })),
    { summaries },
  );
}
