import { Args, Flags } from '@oclif/core';
import { gatewayFlag } from '../../gateway-flag.js';
import { describePull, fetchNodeJob, type JobPull } from '../../image-pulls.js';
import { solanaAddress } from '../../input.js';
import { describeServices, type JobService, jobServices } from '../../job-services.js';
import {
  describeJob,
  describeResult,
  downloadJob,
  followJob,
  type JobSummary,
  nodeApiFlag,
  nodeApiResolver,
  resultLogLines,
  summarizeJob,
} from '../../jobs.js';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';
import { gatewayFor, probeServices } from '../../service-urls.js';

/** What `nosana job get --json` returns. */
export interface JobGetResult extends JobSummary {
  /** The result's flow status, once posted. */
  status: string | null;
  /** Exposed services of the running job (from its node), when known. */
  endpoints: Array<{ opId: string; port: number; url: string; status: string }>;
  /** Image pulls of the running job's ops (from its node): bytes done/total and phase, when known. */
  pulls: JobPull[];
  /**
   * The job's exposed ports and their public URLs on the gateway, for a queued or running job (`[]` otherwise);
   * `status` is the gateway's live answer for a running one (`unknown` when not asked).
   */
  services: JobService[];
  downloaded?: string[];
}

export default class JobGet extends NetworkCommand<JobGetResult> {
  static override summary = 'show a job: state, node, price, timings, result; optionally wait for it';
  static override description =
    'A confidential job’s result (posted with --confidential) comes from its node, which keeps it 24 hours for the poster’s wallet: the pinned one is blank. For a queued or running job that exposes ports, prints their public URLs on the service gateway and, while it runs, their live status as the gateway answers. In --json, result.services lists them: { op, opIndex, port, serviceId, url, deploymentUrl, private, status }, status being online, starting (503: health checks not passing), not-exposed (404), unreachable or unknown (not asked); result.endpoints are the loopback URLs its node reports.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> <job-address>',
    '<%= config.bin %> <%= command.id %> <job-address> --wait --logs',
    '<%= config.bin %> <%= command.id %> <job-address> --download ./results --json',
  ];
  static override args = {
    job: Args.string({
      ignoreStdin: true,
      description: 'job address',
      required: true,
    }),
  };
  static override flags = {
    wait: Flags.boolean({
      summary: 'wait until the job is finished and its result posted; exit 2 when it failed or was stopped',
    }),
    logs: Flags.boolean({ char: 'l', summary: 'print the logs of the result' }),
    download: Flags.string({ summary: 'write the result and logs into this directory' }),
    'node-api': nodeApiFlag,
    gateway: gatewayFlag,
  };

  async run(): Promise<JobGetResult> {
    const { args, flags } = await this.parse(JobGet);
    await solanaAddress(args.job, 'the job argument');
    const client = await this.client(flags, { wallet: flags.wait ? 'read' : 'none' });
    let job = await spin(this.jsonEnabled(), 'Fetching the job', () => client.jobs.get(args.job));
    const nodeApi = await nodeApiResolver(flags['node-api'], client.network);
    let streamed = false;
    let followedPulls: JobPull[] = [];
    // An ended job is COMPLETED before its node posts the result: --wait waits for the result too.
    const finished = job.state === 'STOPPED' || (job.state === 'COMPLETED' && job.result !== null);
    if (flags.wait && !finished) {
      const followed = await followJob({
        client,
        job: args.job,
        nodeApi,
        wallet: await this.keypair(),
        json: this.jsonEnabled(),
        ...(flags.logs ? { onLog: (entry: { log: string }) => this.log(entry.log) } : {}),
      });
      job = followed.job;
      streamed = followed.streamed;
      followedPulls = followed.pulls;
    }
    // A confidential job's real result comes from its node (the pinned one is blank).
    const kept = job.result ? await this.keptResult(client, job, flags, nodeApi) : null;
    const flow = job.result ? await this.openResult(client, job, flags, kept) : null;
    const jobApi = nodeApi(job.node?.toBase58());
    const onNode = job.state === 'RUNNING' && jobApi ? await fetchNodeJob(jobApi, args.job) : undefined;
    const endpoints = onNode?.endpoints ?? [];
    const pulls = onNode?.pulls ?? followedPulls;
    const services = await this.services(client, job, flags.gateway);
    this.log(await describeJob(job, client));
    for (const line of describeServices(services, job.state === 'RUNNING')) this.log(line);
    for (const endpoint of endpoints)
      this.log(`on the node: ${endpoint.opId}:${endpoint.port} ${endpoint.url} (${endpoint.status})`);
    for (const pull of pulls) this.log(`${pull.opId}: ${describePull(pull)}`);
    if (flow) {
      if (flags.logs && !streamed) for (const line of resultLogLines(flow)) this.log(line);
      this.log(describeResult(flow));
    }
    const downloaded = flags.download
      ? await downloadJob(client, job, flags.download, kept ? { flow: kept } : {})
      : undefined;
    if (downloaded)
      this.log(`Downloaded ${downloaded.length} files to ${downloaded[0]?.replace(/\/[^/]+$/, '')}`);
    const result: JobGetResult = {
      ...summarizeJob(job),
      status: flow?.status ?? null,
      endpoints,
      pulls,
      services,
      ...(downloaded ? { downloaded } : {}),
    };
    // With --wait the exit code tells how the job ended (2: stopped or failed), as for job post --wait.
    if (flags.wait && (job.state === 'STOPPED' || (flow && flow.status !== 'success'))) {
      const { NosanaError } = await import('@nosana/core');
      if (job.state === 'STOPPED')
        throw new NosanaError(
          'CLI__JOB_STOPPED',
          `job ${args.job} was stopped before it finished (its node quit) — get the deposit back with nosana job recover ${args.job}`,
          { job: args.job, state: job.state, result },
        );
      throw new NosanaError('CLI__JOB_FAILED', `job ${args.job} ended with status ${flow!.status}`, {
        job: args.job,
        status: flow!.status,
        result,
      });
    }
    return result;
  }

  /** The job's result (a confidential job's from its node), opened with the poster's wallet when it is sealed. */
  private async openResult(
    client: import('@nosana/chain').NosanaClient,
    job: import('@nosana/chain').JobView,
    flags: Parameters<JobGet['client']>[0],
    kept: import('@nosana/core').FlowState | null,
  ) {
    const pinned = kept ?? (await client.jobs.result(job));
    if (!pinned) return null;
    const { openIfSealed } = await import('../../trust.js');
    const { isSealedResult } = await import('@nosana/trust');
    const sealed = isSealedResult(pinned);
    if (sealed && !this.wallet) await this.client(flags, { wallet: 'read' });
    return openIfSealed(pinned, job.address.toBase58(), sealed ? await this.keypair() : undefined);
  }

  /** A confidential job's real result, from the node that ran it (null, with a warning, when it cannot be had). */
  private async keptResult(
    client: import('@nosana/chain').NosanaClient,
    job: import('@nosana/chain').JobView,
    flags: Parameters<JobGet['client']>[0],
    nodeApi: (node: string | undefined) => string | undefined,
  ) {
    const { fetchKeptResult, isConfidentialJob } = await import('../../confidential.js');
    if (!(await isConfidentialJob(client, job))) return null;
    const address = job.address.toBase58();
    const api = nodeApi(job.node?.toBase58());
    const blank = 'showing the blank pinned result';
    if (!api) {
      this.warnUser(`job ${address} is confidential and its node's API is unknown (--node-api): ${blank}`);
      return null;
    }
    if (!this.wallet) await this.client(flags, { wallet: 'read' });
    const kept = await fetchKeptResult({ api, job: address, wallet: await this.keypair() }).catch(
      (error: Error) => error,
    );
    if (kept instanceof Error || kept === null || kept === 'not-ready')
      this.warnUser(
        `job ${address} is confidential and its node ${kept instanceof Error ? `did not give its result (${kept.message})` : 'keeps no result for it any more'}: ${blank}`,
      );
    return kept instanceof Error || kept === 'not-ready' ? null : kept;
  }

  /** The public services of a queued or running job, probed on the gateway when it runs; none otherwise. */
  private async services(
    client: import('@nosana/chain').NosanaClient,
    job: import('@nosana/chain').JobView,
    flag: string | undefined,
  ): Promise<JobService[]> {
    if (job.state !== 'QUEUED' && job.state !== 'RUNNING') return [];
    const gateway = await gatewayFor(flag, client.network);
    const definition = await client.jobs.definition(job).catch(() => undefined);
    if (!definition) return [];
    const services = await jobServices({
      definition,
      job: job.address.toBase58(),
      project: job.project.toBase58(),
      gateway,
    });
    return job.state === 'RUNNING' ? probeServices(services, gateway) : services;
  }
}
