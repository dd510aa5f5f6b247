import { Args, Flags } from '@oclif/core';
import { solanaAddress } from '../../input.js';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';

/** What `nosana job verify --json` returns. */
export interface JobVerifyResult {
  job: string;
  node: string;
  definition: string;
  result: string;
  /** The checks that passed, in order. */
  checks: string[];
  /** What could not be checked, and why. */
  unchecked: string[];
  /** The verified receipt. */
  receipt: unknown;
}

export default class JobVerify extends NetworkCommand<JobVerifyResult> {
  static override summary = "check a job's signed execution receipt against the chain and its result";
  static override description =
    `Reads the job on chain (its node, definition CID and result CID), its definition and result from IPFS (verified against their CIDs), and checks the receipt pinned in the result: signed by the job's node, for this job and definition, the result and each op's logs hashing to what was signed, the ops and images being the definition's (an image pinned by digest must be the one that ran). A sealed result's logs are checked when the wallet is the poster's. Fails with a specific TRUST__RECEIPT_* code at the first check that fails.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> <job-address>',
    '<%= config.bin %> <%= command.id %> <job-address> --expect-image main=sha256:3f57… --json',
  ];
  static override args = {
    job: Args.string({ ignoreStdin: true, description: 'job address', required: true }),
  };
  static override flags = {
    'expect-image': Flags.string({
      multiple: true,
      summary: 'the image digest an op must have run: <op>=sha256:<hex> (repeatable)',
    }),
  };

  async run(): Promise<JobVerifyResult> {
    const { args, flags } = await this.parse(JobVerify);
    const { NosanaError } = await import('@nosana/core');
    await solanaAddress(args.job, 'the job argument');
    const expectImages: Record<string, string> = {};
    for (const entry of flags['expect-image'] ?? []) {
      const match = /^([^=]+)=(sha256:)?([0-9a-fA-F]{64})$/.exec(entry);
      if (!match)
        throw new NosanaError(
          'CLI__INVALID_FLAG',
          `--expect-image "${entry}" is not <op>=sha256:<64 hex digits> — e.g. --expect-image main=sha256:${'0'.repeat(64)}`,
          { flag: 'expect-image', value: entry },
        );
      expectImages[match[1] as string] = `sha256:${(match[3] as string).toLowerCase()}`;
    }
    const client = await this.client(flags, { wallet: 'none' });
    const { getJson } = await import('@nosana/chain');
    const trust = await import('@nosana/trust');
    const job = await spin(this.jsonEnabled(), 'Fetching the job', () => client.jobs.get(args.job));
    if (!job.result || !job.node)
      throw new NosanaError(
        'CLI__JOB_WRONG_STATE',
        `job ${args.job} has no result yet (${job.state}) — verify it once it is finished: nosana job get ${args.job} --wait`,
        { job: args.job, state: job.state, expected: 'COMPLETED with a result' },
      );
    const [definition, document] = await spin(this.jsonEnabled(), 'Fetching the definition and result', () =>
      Promise.all([
        getJson<import('@nosana/core').JobDefinition>(client.ipfs, job.definition),
        getJson<import('@nosana/core').FlowState>(client.ipfs, job.result as string),
      ]),
    );
    const opened = await this.openIfPoster(trust, document, args.job, job.project.toBase58(), flags);
    const verified = trust.verifyReceipt({
      document,
      chain: { job: args.job, node: job.node.toBase58(), definition: job.definition },
      definition,
      ...(opened ? { opened } : {}),
      expectImages,
    });
    for (const check of verified.checks) this.log(`✔ ${check}`);
    for (const note of verified.unchecked) this.log(`- not checked: ${note}`);
    for (const op of verified.receipt.ops)
      this.log(`  ${op.id}: ${op.image} ${op.imageId ?? '(image id unknown)'} exit ${op.exitCode ?? '-'}`);
    return {
      job: args.job,
      node: job.node.toBase58(),
      definition: job.definition,
      result: job.result,
      checks: verified.checks,
      unchecked: verified.unchecked,
      receipt: verified.receipt,
    };
  }

  /** The sealed result opened with the wallet, when it is the poster's; undefined otherwise. */
  private async openIfPoster(
    trust: typeof import('@nosana/trust'),
    document: import('@nosana/core').FlowState,
    job: string,
    poster: string,
    flags: Parameters<NetworkCommand<JobVerifyResult>['client']>[0],
  ) {
    if (!trust.isSealedResult(document)) return undefined;
    try {
      await this.client(flags, { wallet: 'read' });
    } catch {
      return undefined;
    }
    const keypair = await this.keypair();
    if (keypair.publicKey.toBase58() !== poster) return undefined;
    return trust.openResult({ document, job, secretKey: keypair.secretKey });
  }
}
