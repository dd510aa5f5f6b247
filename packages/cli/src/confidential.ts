/**
 * The poster's side of confidential jobs (`job post --confidential`): IPFS gets the real network's placeholder, the
 * definition goes to the node that claimed the job through its API (signed by the poster's wallet), and the result
 * comes back from the node — the pinned one is blank.
 */
import type { JobView, NosanaClient } from '@nosana/chain';
import type { FlowState, JobDefinition } from '@nosana/core';
import type { Keypair } from '@solana/web3.js';

/** How to reach a job's node API from its node's address (see `nodeApiResolver`). */
export type NodeApiOf = (node: string | undefined) => string | undefined;

/** Parameters of {@link deliverDefinition}. */
export interface DeliverDefinitionParameters {
  client: NosanaClient;
  job: string;
  /** The definition to run (as validated, secrets sealed). */
  definition: JobDefinition;
  wallet: Keypair;
  nodeApi: NodeApiOf;
  /** Called when what it waits for changes (a node to claim the job, the node to wait for the definition). */
  onProgress?: (message: string) => void;
  /** Between tries. Default 1 s. */
  pollMs?: number;
}

/** Result of {@link deliverDefinition}. */
export interface DeliverDefinitionResult {
  /** The node that took it. */
  node: string;
  /** Its API, as reached. */
  api: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until a node claimed the job, then delivers the definition to its API (`POST /job/<job>/job-definition`,
 * signed by the poster). Retries while the node is not waiting yet (it reads the placeholder first) or its API does
 * not answer; fails with `CLI__CONFIDENTIAL_UNDELIVERED` when the job ends first, `CLI__NODE_REFUSED` when the
 * node refuses the poster or the definition.
 *
 * @example
 * ```ts
 * const { node } = await deliverDefinition({ client, job, definition, wallet, nodeApi });
 * ```
 */
export async function deliverDefinition(
  parameters: DeliverDefinitionParameters,
): Promise<DeliverDefinitionResult> {
  const { client, job, wallet } = parameters;
  const [{ createAuthHeader, jobAuthMessage }, { NosanaError }] = await Promise.all([
    import('@nosana/chain'),
    import('@nosana/core'),
  ]);
  const body = JSON.stringify(parameters.definition);
  let said = '';
  const progress = (message: string) => {
    if (message !== said) parameters.onProgress?.(message);
    said = message;
  };
  for (;;) {
    const view = await client.jobs.get(job);
    if (view.state === 'COMPLETED' || view.state === 'STOPPED')
      throw new NosanaError(
        'CLI__CONFIDENTIAL_UNDELIVERED',
        `job ${job} ended (${view.state}) before its node took the definition, so it ran nothing (a node waits 5 minutes for a confidential definition) — post it again and keep the command running until the definition is delivered`,
        { job, state: view.state },
      );
    const node = view.node?.toBase58();
    const api = view.state === 'RUNNING' ? parameters.nodeApi(node) : undefined;
    if (view.state === 'RUNNING' && !api)
      throw new NosanaError(
        'CLI__NODE_UNREACHABLE',
        `job ${job} runs on node ${node} but its API is unknown here — give it with --node-api <url> (or NOSANA_NODE_API)`,
        { url: '' },
      );
    if (!api || !node) {
      progress('waiting for a node to claim the job');
    } else {
      const answer = await fetch(`${api}/job/${job}/job-definition`, {
        method: 'POST',
        headers: {
          authorization: createAuthHeader(wallet, jobAuthMessage(job)),
          'content-type': 'application/json',
        },
        body,
        signal: AbortSignal.timeout(15_000),
      }).catch(() => null);
      if (answer?.ok) return { node, api };
      const refusal = answer
        ? ((await answer.json().catch(() => ({}))) as { error?: string; code?: string })
        : {};
      // Not waiting yet (the node reads the placeholder first) or the API not answering (yet): try again.
      if (answer && answer.status !== 409 && answer.status !== 404 && answer.status < 500)
        throw new NosanaError(
          'CLI__NODE_REFUSED',
          `node ${node} refused the definition of job ${job} (HTTP ${answer.status}): ${refusal.error ?? 'no reason given'}`,
          { url: api, status: answer.status },
        );
      progress(
        answer
          ? `waiting for node ${node} to ask for the definition`
          : `waiting for node ${node}’s API (${api})`,
      );
    }
    await sleep(parameters.pollMs ?? 1000);
  }
}

/** Parameters of {@link fetchKeptResult}. */
export interface FetchKeptResultParameters {
  api: string;
  job: string;
  wallet: Keypair;
}

/**
 * A confidential job's real result, from its node (`GET /job/<job>/results`, signed by the poster): the flow, or
 * `'not-ready'` while the job runs, or null when the node keeps none (expired, or not this node's).
 * `CLI__NODE_UNREACHABLE` when the node does not answer, `CLI__NODE_REFUSED` when it refuses the wallet.
 *
 * @example
 * ```ts
 * const flow = await fetchKeptResult({ api, job, wallet });
 * ```
 */
export async function fetchKeptResult({
  api,
  job,
  wallet,
}: FetchKeptResultParameters): Promise<FlowState | 'not-ready' | null> {
  const [{ createAuthHeader, jobAuthMessage }, { NosanaError }] = await Promise.all([
    import('@nosana/chain'),
    import('@nosana/core'),
  ]);
  const answer = await fetch(`${api}/job/${job}/results`, {
    headers: { authorization: createAuthHeader(wallet, jobAuthMessage(job)) },
    signal: AbortSignal.timeout(30_000),
  }).catch(() => null);
  if (!answer)
    throw new NosanaError('CLI__NODE_UNREACHABLE', `the node API at ${api} does not answer`, { url: api });
  if (answer.status === 200) return (await answer.json()) as FlowState;
  if (answer.status === 409) return 'not-ready';
  if (answer.status === 404) return null;
  const refusal = (await answer.json().catch(() => ({}))) as { error?: string };
  throw new NosanaError(
    'CLI__NODE_REFUSED',
    `the node at ${api} refused the result of job ${job} (HTTP ${answer.status}): ${refusal.error ?? 'no reason given'}`,
    { url: api, status: answer.status },
  );
}

/** Parameters of {@link collectWhileRunning}. */
export interface CollectWhileRunningParameters {
  client: NosanaClient;
  job: string;
  wallet: Keypair;
  nodeApi: NodeApiOf;
  signal: AbortSignal;
  pollMs?: number;
}

/**
 * Collects a confidential job's real result from its node as soon as the flow ended (the node waits for it before it
 * finishes the job); null when the job ended without it, or `signal` aborted.
 *
 * @example
 * ```ts
 * const collecting = collectWhileRunning({ client, job, wallet, nodeApi, signal });
 * ```
 */
export async function collectWhileRunning(
  parameters: CollectWhileRunningParameters,
): Promise<FlowState | null> {
  const { client, job, wallet } = parameters;
  while (!parameters.signal.aborted) {
    const view = await client.jobs.get(job).catch(() => null);
    const api =
      view?.state === 'RUNNING' || view?.state === 'COMPLETED'
        ? parameters.nodeApi(view.node?.toBase58())
        : undefined;
    if (api) {
      const kept = await fetchKeptResult({ api, job, wallet }).catch(() => 'not-ready' as const);
      if (kept && kept !== 'not-ready') return kept;
      if (view?.state === 'COMPLETED' && view.result) return null;
    }
    if (view?.state === 'STOPPED') return null;
    await sleep(parameters.pollMs ?? 1000);
  }
  return null;
}

/**
 * True when a job's definition on chain is a confidential placeholder whose result comes from the node.
 *
 * @example
 * ```ts
 * if (await isConfidentialJob(client, job)) flow = await fetchKeptResult({ api, job: address, wallet });
 * ```
 */
export async function isConfidentialJob(client: NosanaClient, job: JobView): Promise<boolean> {
  const definition = await client.jobs.definition(job).catch(() => undefined);
  return definition?.logistics?.receive !== undefined;
}
