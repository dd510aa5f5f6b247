/** What the job commands share: the JSON form of a job, following one to its end, its logs, downloading its result. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobView, NosanaClient } from '@nosana/chain';
import type { FlowState, JobState, LogEntry } from '@nosana/core';
import { Flags, ux } from '@oclif/core';
import type { Keypair } from '@solana/web3.js';
import { describePull, fetchNodeJob, type JobPull } from './image-pulls.js';
import { describeJobText, describeResultText } from './job-output.js';
import { gatewayPath, type JobService } from './job-services.js';
import { formatSeconds, interactive, state } from './output.js';

export const nodeApiFlag = Flags.string({
  summary: 'the node’s API, to stream live logs of a running job',
  description:
    'Default: through the network’s service gateway, where nodes publish their API (`<node address>.<gateway domain>`; a gateway on localhost by its `/s/<node address>` path); without a gateway, http://127.0.0.1:5101 on localnet (what `nosana node start` serves), elsewhere logs come from the result.',
  env: 'NOSANA_NODE_API',
});

export { type JobSummary, summarizeJob } from './job-output.js';

/** Human lines about a job. */
export async function describeJob(job: JobView, client: NosanaClient): Promise<string> {
  return describeJobText(job, client.network.explorer, ux.colorize);
}

/** The node API to ask about a job: the flag, else the localnet default. */
export function nodeApiUrl(flag: string | undefined, network: string): string | undefined {
  return flag ?? (network === 'localnet' ? 'http://127.0.0.1:5101' : undefined);
}

/**
 * The node API of the node that runs a job, reached from anywhere: the flag when given, else through the network's
 * gateway (nodes publish their API at `<node address>.<gateway domain>`; a gateway on localhost is addressed by its
 * `/s/<node address>` path, which needs no DNS), else the localnet default.
 *
 * @example
 * ```ts
 * const api = await nodeApiResolver(flags['node-api'], client.network);
 * const url = api(job.node?.toBase58()); // http://127.0.0.1:8080/s/<node> on a localnet
 * ```
 */
export async function nodeApiResolver(
  flag: string | undefined,
  network: { name: string; rpcUrl: string },
): Promise<(node: string | undefined) => string | undefined> {
  const fallback = nodeApiUrl(flag, network.name);
  if (flag) return () => flag;
  const { gatewayFor } = await import('./service-urls.js');
  const gateway = await gatewayFor(undefined, network).catch(() => undefined);
  return (node) => (node && gateway ? nodeApiThroughGateway(gateway, node) : fallback);
}

/** `<node>.<gateway host>`, or the gateway's `/s/<node>` path when it is on localhost. */
export function nodeApiThroughGateway(gateway: string, node: string): string {
  const url = new URL(gateway);
  if (['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return gatewayPath(gateway, node);
  return `${url.protocol}//${node}.${url.host}`;
}

/** A job's logs as lines, prefixed by op id when the flow has several ops. */
export function resultLogLines(flow: FlowState): string[] {
  const prefix = flow.opStates.length > 1;
  return flow.opStates.flatMap((op) =>
    op.logs.map((entry) =>
      prefix ? `${ux.colorize('dim', `[${op.operationId}]`)} ${entry.log}` : entry.log,
    ),
  );
}

/** Human summary of a result: status, per-op exit codes, extracted results, endpoints, errors. */
export const describeResult = (flow: FlowState): string => describeResultText(flow, ux.colorize);

/**
 * Writes a job's result into `<dir>/<job>/`: `result.json` (the flow state), `job-definition.json`, and one
 * `<op>.log` per op. Returns the files written. `known.flow` is the result when it does not come from IPFS (a
 * confidential job's, from its node).
 */
export async function downloadJob(
  client: NosanaClient,
  job: JobView,
  dir: string,
  known: { flow?: FlowState } = {},
): Promise<string[]> {
  const flow = known.flow ?? (job.result ? await client.jobs.result(job) : null);
  const definition = await client.jobs.definition(job);
  const target = join(dir, job.address.toBase58());
  await mkdir(target, { recursive: true });
  const files: Array<[string, string]> = [
    ['job-definition.json', `${JSON.stringify(definition, null, 2)}\n`],
  ];
  if (flow) {
    files.push(['result.json', `${JSON.stringify(flow, null, 2)}\n`]);
    for (const op of flow.opStates)
      files.push([
        `${op.operationId.replace(/[^a-zA-Z0-9_.-]/g, '_')}.log`,
        op.logs.map((l) => `${l.log}\n`).join(''),
      ]);
  }
  const written: string[] = [];
  for (const [name, text] of files) {
    await writeFile(join(target, name), text);
    written.push(join(target, name));
  }
  return written;
}

/** Parameters of {@link followJob}. */
export interface FollowJobParameters {
  client: NosanaClient;
  job: string;
  /** The node API to stream logs from (needs the poster's wallet to sign), or how to find it from the job's node. */
  nodeApi?: string | ((node: string | undefined) => string | undefined);
  wallet?: Keypair;
  json: boolean;
  /** Called with each live log line. */
  onLog?: (entry: LogEntry & { opId?: string }) => void;
  /** Public services to watch while the job runs: their status is updated in place, changes reported. */
  services?: { list: JobService[]; gateway: string; onChange(service: JobService): void };
}

/** Asks the node API for a running job's image pulls every second, one request at a time. */
function watchPulls(nodeApi: () => string | undefined, job: string, running: () => boolean) {
  let pulls: JobPull[] = [];
  let asking = false;
  const timer = setInterval(() => {
    const url = nodeApi();
    if (asking || !running() || !url) return;
    asking = true;
    void fetchNodeJob(url, job, 900)
      .then((view) => {
        if (view && view.pulls.length > 0) pulls = view.pulls;
      })
      .finally(() => {
        asking = false;
      });
  }, 1000);
  return { pulls: () => pulls, stop: () => clearInterval(timer) };
}

/**
 * Waits until a job is finished and its result posted: a live status line on a terminal (state, elapsed time and,
 * while its node pulls an image, `pulling <image> 1.2/2.0 GB (60 %)`), log lines streamed from the node while it
 * runs when its API is reachable. Returns the final job, its result and the image pulls its node reported.
 */
export async function followJob({
  client,
  job,
  nodeApi,
  wallet,
  json,
  onLog,
  services,
}: FollowJobParameters): Promise<{
  job: JobView;
  result: FlowState | null;
  streamed: boolean;
  pulls: JobPull[];
}> {
  const live = interactive(json);
  const started = Date.now();
  let current: JobState | undefined;
  let streamed = false;
  let stream: Promise<void> | undefined;
  let watching: Promise<void> | undefined;
  const stopStream = new AbortController();
  // The job's node (and so its API) is known once it runs.
  let jobApi = typeof nodeApi === 'function' ? undefined : nodeApi;
  const pulling = watchPulls(
    () => jobApi,
    job,
    () => current === 'RUNNING',
  );
  const pullLine = () => {
    const active = pulling.pulls().filter((p) => p.phase !== 'complete');
    return active.length > 0 ? ` ${ux.colorize('cyan', describePull(active[0]!))}` : '';
  };
  const status = () =>
    `${state(current ?? 'QUEUED')} ${ux.colorize('dim', formatSeconds((Date.now() - started) / 1000))}${pullLine()}`;
  if (live) ux.action.start('Waiting for the job', status());
  const ticker = live ? setInterval(() => (ux.action.status = status()), 1000) : undefined;
  try {
    const done = await client.jobs.waitFor(
      job,
      (j) =>
        (j.state === 'COMPLETED' || j.state === 'STOPPED') && (j.result !== null || j.state === 'STOPPED'),
      {
        pollMs: 1000,
        onChange: (j) => {
          current = j.state;
          if (live) ux.action.status = status();
          if (j.state === 'RUNNING' && services && services.list.length > 0 && !watching)
            watching = import('./service-urls.js')
              .then(({ watchServices }) =>
                watchServices({
                  services: services.list,
                  gateway: services.gateway,
                  signal: stopStream.signal,
                  onChange: (service) =>
                    live ? ux.action.pause(() => services.onChange(service)) : services.onChange(service),
                }),
              )
              .catch(() => undefined);
          if (typeof nodeApi === 'function' && j.state === 'RUNNING') jobApi = nodeApi(j.node?.toBase58());
          if (j.state === 'RUNNING' && jobApi && wallet && onLog && !stream) {
            stream = streamLogs({
              url: jobApi,
              job,
              wallet,
              signal: stopStream.signal,
              onLog: (entry) => {
                streamed = true;
                if (live) ux.action.pause(() => onLog(entry));
                else onLog(entry);
              },
            }).catch(() => undefined);
          }
        },
      },
    );
    if (live) ux.action.stop(state(done.state));
    const result = done.result ? await client.jobs.result(done) : null;
    return { job: done, result, streamed, pulls: pulling.pulls() };
  } finally {
    if (ticker) clearInterval(ticker);
    pulling.stop();
    stopStream.abort();
    await Promise.all([stream, watching]);
  }
}

/** Streams a running job's log lines from the node API's WebSocket until it closes or `signal` aborts. */
export async function streamLogs({
  url,
  job,
  wallet,
  signal,
  onLog,
}: {
  url: string;
  job: string;
  wallet: Keypair;
  signal: AbortSignal;
  onLog: (entry: LogEntry & { opId?: string }) => void;
}): Promise<void> {
  const [{ createAuthHeader, jobAuthMessage }, { NosanaError }, { default: WebSocket }] = await Promise.all([
    import('@nosana/chain'),
    import('@nosana/core'),
    import('ws'),
  ]);
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/job/${job}/logs`, {
    headers: { authorization: createAuthHeader(wallet, jobAuthMessage(job)) },
  });
  await new Promise<void>((resolve, reject) => {
    const close = () => {
      socket.close();
      resolve();
    };
    signal.addEventListener('abort', close, { once: true });
    socket.on('message', (data) => onLog(JSON.parse(String(data)) as LogEntry & { opId?: string }));
    socket.on('close', () => resolve());
    socket.on('unexpected-response', (_, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk;
      });
      response.on('end', () =>
        reject(
          new NosanaError(
            'CLI__NODE_STREAM_REFUSED',
            `the node at ${url} answered ${response.statusCode}${body ? `: ${body}` : ''} to the log stream request`,
            { url, status: response.statusCode ?? 0, body },
          ),
        ),
      );
    });
    socket.on('error', reject);
  });
}
