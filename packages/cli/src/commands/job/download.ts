import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Args } from '@oclif/core';
import { solanaAddress } from '../../input.js';
import { downloadJob, nodeApiFlag, nodeApiResolver } from '../../jobs.js';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';

/** What `nosana job download --json` returns. */
export interface JobDownloadResult {
  /** The job address or the CID given. */
  job: string;
  files: string[];
}

export default class JobDownload extends NetworkCommand<JobDownloadResult> {
  static override summary =
    'save a job’s definition, result and logs — or any IPFS document by CID — into a directory';
  static override description =
    'For a job: writes <dir>/<job>/job-definition.json, result.json and one <op>.log per op. For a CID (Qm…, e.g. a result or definition CID from nosana job get): writes <dir>/<cid>.json (or <dir>/<cid> when it is not JSON). Everything is verified against its CID. A confidential job’s result comes from its node, as the poster (the pinned one is blank).';
  static override examples = [
    '<%= config.bin %> <%= command.id %> <job-address>',
    '<%= config.bin %> <%= command.id %> <job-address> ./results',
    '<%= config.bin %> <%= command.id %> QmUKJAymjnAe2811uB7ATRduxzR2rd6XfUFXaF5ReLafhr ./results',
  ];
  static override args = {
    job: Args.string({
      ignoreStdin: true,
      description: 'job address, or the CID of an IPFS document (Qm…)',
      required: true,
    }),
    dir: Args.string({
      ignoreStdin: true,
      description: 'target directory',
      default: '.',
    }),
  };

  static override flags = { 'node-api': nodeApiFlag };

  async run(): Promise<JobDownloadResult> {
    const { args, flags } = await this.parse(JobDownload);
    const { isCidV0 } = await import('@nosana/core');
    const cid = args.job;
    if (isCidV0(cid)) {
      const client = await this.client(flags, { wallet: 'none' });
      const bytes = await spin(this.jsonEnabled(), 'Downloading', () => client.ipfs.getBytes(cid));
      const file = join(args.dir, isJson(bytes) ? `${cid}.json` : cid);
      await mkdir(args.dir, { recursive: true });
      await writeFile(file, bytes);
      this.log(file);
      return { job: cid, files: [file] };
    }
    await solanaAddress(args.job, 'the job argument (a job address or a CID)');
    const client = await this.client(flags, { wallet: 'none' });
    const job = await client.jobs.get(args.job);
    if (!job.result)
      this.warnUser(`job ${args.job} is ${job.state} and has no result yet: only its definition is saved`);
    const kept = job.result ? await this.keptResult(client, job, flags) : null;
    const files = await spin(this.jsonEnabled(), 'Downloading', () =>
      downloadJob(client, job, args.dir, kept ? { flow: kept } : {}),
    );
    for (const file of files) this.log(file);
    return { job: args.job, files };
  }

  /** The job's real result from its node when it is confidential (the poster's wallet signs); null otherwise. */
  private async keptResult(
    client: import('@nosana/chain').NosanaClient,
    job: import('@nosana/chain').JobView,
    flags: Parameters<JobDownload['client']>[0] & { 'node-api'?: string },
  ) {
    const { fetchKeptResult, isConfidentialJob } = await import('../../confidential.js');
    if (!(await isConfidentialJob(client, job))) return null;
    const api = (await nodeApiResolver(flags['node-api'], client.network))(job.node?.toBase58());
    if (!api) {
      this.warnUser(
        `job ${job.address.toBase58()} is confidential and its node's API is unknown (--node-api)`,
      );
      return null;
    }
    await this.client(flags, { wallet: 'read' });
    const kept = await fetchKeptResult({ api, job: job.address.toBase58(), wallet: await this.keypair() });
    return kept === 'not-ready' ? null : kept;
  }
}

function isJson(bytes: Uint8Array): boolean {
  try {
    JSON.parse(new TextDecoder().decode(bytes));
    return true;
  } catch {
    return false;
  }
}
