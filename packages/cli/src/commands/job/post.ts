import type { MarketView, NosanaClient } from '@nosana/chain';
import type { FlowState, JobDefinition } from '@nosana/core';
import type { CompareWithCloudResult } from '@nosana/templates';
import { Args, Flags, ux } from '@oclif/core';
import { cloudGpuFlag, jobCost, nosUsdFlag } from '../../cloud-price.js';
import { gatewayFlag } from '../../gateway-flag.js';
import type { JobPull } from '../../image-pulls.js';
import { parseTimeout } from '../../input.js';
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
import { details, spin } from '../../output.js';
import { checkHost, readPostDefinition } from '../../post-input.js';
import { gatewayFor, probeServices } from '../../service-urls.js';

/** What the price summary and a dry run read. */
interface PriceContext {
  definition: JobDefinition;
  market: MarketView;
  timeout: number;
  deposit: bigint;
}

/** What `nosana job post --json` returns. */
export interface JobPostResult {
  job: string;
  market: string;
  definition: string;
  /** NOS base units held in escrow: price × timeout. */
  deposit: string;
  timeout: number;
  signature: string;
  /** True when the job was matched with a waiting node at once. */
  matched: boolean;
  /** Set with --dry-run: nothing was pinned or sent. */
  dryRun: boolean;
  /** With --confidential: the node the definition was delivered to (IPFS holds the placeholder only). */
  confidential?: { node: string };
  /**
   * With --replicas-verify: every replica (job, node, result status, digest of its reproducible part), whether they
   * agree, whether they ran on distinct nodes, and where they differ. `job` is then the first replica.
   */
  replicas?: import('@nosana/trust').CompareReplicasResult;
  /** With --dry-run and --nos-usd: the cost in USD against the cheapest on-demand cloud offer (cloud-price.ts). */
  cost?: CompareWithCloudResult | null;
  /**
   * The job's exposed ports and their public URLs (known right after posting; `[]` when it exposes none). With
   * --wait, `status` is the last one the gateway answered (`not-exposed` once the job ended).
   */
  services: JobService[];
  /** With --wait: the job once finished, its result status and where it was downloaded. */
  final?: JobSummary & {
    status: string | null;
    flow: FlowState | null;
    /** The image pulls the node reported while the job ran (last progress per op), when any were seen. */
    pulls?: JobPull[];
    downloaded?: string[];
  };
}

export default class JobPost extends NetworkCommand<JobPostResult> {
  static override summary =
    'post a job to a market: from a job definition file, or a command to run in an image';
  static override description =
    `Validates the job definition first (bad input costs nothing: no upload, no transaction), shows the price, pins the definition to IPFS and lists the job with its deposit (price × timeout) in escrow. The node that runs it is paid for the time it ran; the rest is refunded.

With --wait it follows the job (queued → running → completed) with its logs, prints the result, and exits 2 when the job failed or was stopped.

A job that exposes ports gets public URLs on the network's service gateway, printed right after posting (the ids derive from the definition and the job's address): http://<service-id>.localhost:<port> on a localnet. With --wait their live status is printed as it changes. In --json, result.services lists them: { op, opIndex, port, serviceId, url, deploymentUrl, private, status }, status being online, starting (503: health checks not passing), not-exposed (404: not running), unreachable or unknown (not asked).`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> --file examples/hello-world.json --wait',
    '<%= config.bin %> <%= command.id %> --image ubuntu:24.04 --market cpu --timeout 10 -- echo hello',
    '<%= config.bin %> <%= command.id %> -f examples/ollama-gpu-service.json --market <gpu-market-address> --network mainnet --timeout 2h',
    '<%= config.bin %> <%= command.id %> -f job.json --dry-run --json',
    '<%= config.bin %> <%= command.id %> -f examples/ollama-gpu-service.json --market gpu --timeout 2h --dry-run --nos-usd 0.5',
  ];
  static override strict = false;
  static override args = {
    command: Args.string({
      ignoreStdin: true,
      description: 'command to run in --image (instead of --file); put it after --',
      required: false,
    }),
  };
  static override flags = {
    file: Flags.string({
      char: 'f',
      summary: 'job definition (JSON or YAML), or - for standard input',
      exclusive: ['image', 'url'],
    }),
    url: Flags.string({
      summary: 'job definition URL (http or https; public hosts only, except on localnet)',
      description: 'Fetched with a 15 s timeout and the size limit of a job definition (1 MiB).',
      exclusive: ['image', 'file'],
    }),
    image: Flags.string({ char: 'i', summary: 'container image for a command given as arguments' }),
    gpu: Flags.boolean({ summary: 'the command needs a GPU (with --image)' }),
    market: Flags.string({
      char: 'm',
      summary: 'market address (or name on localnet: cpu, gpu)',
      default: 'cpu',
      env: 'NOSANA_MARKET',
    }),
    timeout: Flags.string({
      char: 't',
      summary: 'how long the job may run: minutes (60), or with units: 90s, 30m, 2h, 1h30m',
      default: '60',
    }),
    host: Flags.string({ summary: 'post straight to this node (it must be queued in the market)' }),
    wait: Flags.boolean({
      summary: 'follow the job to its end, with its logs, and print the result',
    }),
    download: Flags.string({ summary: 'with --wait: write the result and logs into this directory' }),
    'dry-run': Flags.boolean({ summary: 'validate and price the job without posting it' }),
    'nos-usd': nosUsdFlag,
    'cloud-gpu': cloudGpuFlag,
    confidential: Flags.boolean({
      summary:
        'keep the definition and result off IPFS: the definition goes to the node that claims the job, the result comes back from it',
      description:
        'IPFS gets the real network’s placeholder (no ops). The command waits until a node claims the job and takes the definition through its API (signed by this wallet; nodes wait 5 minutes for it), then returns — or with --wait collects the real result from the node. Later: nosana job get <job> fetches it from the node (kept 24 hours), the pinned result being blank.',
    }),
    'replicas-verify': Flags.integer({
      min: 2,
      max: 10,
      summary:
        'run the job on this many nodes and check that their results agree (exit 2 when they do not); implies --wait',
      description:
        'Each replica is a job of its own (its own deposit), assigned to a different node waiting in the market’s queue while there are enough, listed in the market otherwise. Compared: each op’s status, exit code, log lines and extracted results (not times). For deterministic jobs.',
      exclusive: ['confidential', 'host'],
    }),
    'seal-results': Flags.boolean({
      summary:
        'seal the result to this wallet: the pinned result is ciphertext, opened by job get with this wallet',
    }),
    'node-api': nodeApiFlag,
    gateway: gatewayFlag,
  };

  async run(): Promise<JobPostResult> {
    const { argv, flags } = await this.parse(JobPost);
    const core = await import('@nosana/core');
    const { NosanaError } = core;

    // 1. The definition, validated before anything touches the network.
    const definition = await readPostDefinition(core, flags, argv as string[], (message) =>
      this.warnUser(message),
    );
    if (flags.download && !flags.wait)
      throw new NosanaError(
        'CLI__INVALID_FLAG',
        '--download needs --wait (or use `nosana job download` later)',
        { flag: 'download', value: flags.download },
      );
    const timeout = await parseTimeout(flags.timeout);

    // 2. Price, from the market.
    const client = await this.client(flags, { wallet: 'create' });
    const gateway = await gatewayFor(flags.gateway, client.network);
    const market = await spin(this.jsonEnabled(), 'Fetching the market', () =>
      client.markets.get(flags.market),
    );
    if (flags.host) await checkHost(core, market, flags.host);
    const { total: deposit } = core.jobDeposit({ price: market.jobPrice, timeout });
    this.showPrice(core, { definition, market, timeout, deposit });
    // Secrets sealed to the node(s) that will run the job, results sealed to this wallet when asked.
    const { prepareTrust } = await import('../../trust.js');
    const prepared = await prepareTrust({
      definition,
      poster: await this.keypair(),
      market,
      ...(flags.host ? { host: flags.host } : {}),
      sealResults: flags['seal-results'],
    });
    if (prepared.recipients.length > 0)
      this.log(
        `Secrets sealed to ${prepared.recipients.length === 1 ? 'node' : 'nodes'} ${prepared.recipients.join(', ')}`,
      );
    // Confidential: IPFS gets the placeholder, the node gets the definition after its claim.
    const toPin = flags.confidential ? core.confidentialPlaceholder() : prepared.definition;
    if (flags['dry-run']) return this.dryRun(core, { definition, toPin, market, timeout, deposit, flags });
    if (flags['replicas-verify'])
      return this.replicas(client, {
        market,
        definition: toPin,
        timeout,
        deposit,
        count: flags['replicas-verify'],
      });

    // 3. Pin and list (balances are checked before anything is pinned or sent).
    const posted = await spin(this.jsonEnabled(), 'Posting the job', () =>
      client.jobs.post({
        definition: toPin,
        market: market.address,
        timeout,
        ...(flags.host ? { node: flags.host } : {}),
      }),
    );
    const job = posted.job.toBase58();
    this.log(
      `${ux.colorize('green', '✔')} Posted job ${ux.colorize('bold', job)}${posted.run ? ' (a node was waiting: it runs now)' : ' (queued until a node picks it up)'}`,
    );
    const services = await jobServices({
      definition,
      job,
      project: client.address().toBase58(),
      gateway,
    });
    if (services.length > 0) {
      for (const line of describeServices(services, false)) this.log(line);
      this.log(
        `The URLs answer once the job runs and its health checks pass (503 until then): nosana job get ${job}`,
      );
    }
    const result: JobPostResult = {
      job,
      market: market.address.toBase58(),
      definition: posted.definition,
      deposit: posted.deposit.toString(),
      timeout,
      signature: posted.signature,
      matched: posted.run !== null,
      dryRun: false,
      services,
    };
    if (flags.confidential) result.confidential = await this.deliver(client, flags, job, prepared.definition);
    if (!flags.wait) {
      this.log(`Follow it with: nosana job get ${job} --wait`);
      return result;
    }

    // 4. Follow it to the end.
    return this.follow(core, client, flags, result, gateway);
  }

  /** --replicas-verify: the replicas posted, followed and compared; throws CLI__REPLICAS_DISAGREE when they differ. */
  private async replicas(
    client: NosanaClient,
    parameters: Omit<PriceContext, 'definition'> & { definition: JobDefinition; count: number },
  ): Promise<JobPostResult> {
    const { verifyReplicas } = await import('../../replicas.js');
    return verifyReplicas({
      client,
      ...parameters,
      wallet: await this.keypair(),
      json: this.jsonEnabled(),
      log: (line) => this.log(line),
      warn: (message) => this.warnUser(message),
    });
  }

  /** --confidential: waits for a node to claim the job, then hands it the definition through its API. */
  private async deliver(
    client: NosanaClient,
    flags: { 'node-api'?: string },
    job: string,
    definition: JobDefinition,
  ): Promise<{ node: string }> {
    const { deliverDefinition } = await import('../../confidential.js');
    const live = !this.jsonEnabled() && process.stderr.isTTY;
    const delivered = await spin(this.jsonEnabled(), 'Delivering the definition', async () =>
      deliverDefinition({
        client,
        job,
        definition,
        wallet: await this.keypair(),
        nodeApi: await nodeApiResolver(flags['node-api'], client.network),
        onProgress: (message) => {
          if (live) ux.action.status = message;
          else this.log(`… ${message}`);
        },
      }),
    );
    this.log(
      `${ux.colorize('green', '✔')} Definition delivered to node ${delivered.node} through its API (IPFS holds a placeholder only)`,
    );
    return { node: delivered.node };
  }

  /** Warns about a GPU job in a non-GPU market or a timeout past the market's, and shows the price. */
  private showPrice(
    core: typeof import('@nosana/core'),
    { definition, market, timeout, deposit }: PriceContext,
  ): void {
    const gpuOps = definition.ops.some(
      (op) => op.type === 'container/run' && (op.args.gpu ?? definition.global?.gpu),
    );
    if (gpuOps && market.jobType !== 4)
      this.warnUser(
        `the job asks for a GPU but ${market.name ?? market.address.toBase58()} is not a GPU market`,
      );
    if (timeout > market.jobTimeout)
      this.warnUser(
        `the timeout (${timeout}s) is longer than the market's job timeout (${market.jobTimeout}s)`,
      );
    this.log(
      details([
        ['market', market.name ? `${market.name} (${market.address.toBase58()})` : market.address.toBase58()],
        [
          'price',
          `${core.formatNos(market.jobPrice)} NOS/s (${core.formatNos(core.pricePerHour(market.jobPrice))} NOS/h)`,
        ],
        ['timeout', core.formatDuration(timeout)],
        ['deposit', `${core.formatNos(deposit)} NOS (the unused part is refunded)`],
      ]),
    );
  }

  /** --dry-run: the price and the cloud comparison, and the definition's CID; nothing pinned or sent. */
  private async dryRun(
    core: typeof import('@nosana/core'),
    {
      definition,
      toPin,
      market,
      timeout,
      deposit,
      flags,
    }: PriceContext & { toPin: JobDefinition; flags: { 'nos-usd'?: string; 'cloud-gpu'?: string } },
  ): Promise<JobPostResult> {
    const { computeCid } = await import('@nosana/chain');
    const cid = await computeCid(core.canonicalJsonBytes(toPin));
    const cost = await jobCost({
      definition,
      market,
      timeout,
      nosUsd: flags['nos-usd'],
      cloudGpu: flags['cloud-gpu'],
    });
    this.log(details(cost.entries));
    this.log(
      `Dry run: the job is valid and would cost at most ${core.formatNos(deposit)} NOS; nothing was posted.`,
    );
    return {
      job: '',
      market: market.address.toBase58(),
      definition: cid,
      deposit: deposit.toString(),
      timeout,
      signature: '',
      matched: false,
      dryRun: true,
      cost: cost.comparison,
      services: [],
    };
  }

  /** Follows a posted job to its end; a stopped or failed job throws with everything known in `result`. */
  private async follow(
    core: typeof import('@nosana/core'),
    client: NosanaClient,
    flags: { download?: string; 'node-api'?: string },
    result: JobPostResult,
    gateway: string | undefined,
  ): Promise<JobPostResult> {
    const { NosanaError } = core;
    const { job } = result;
    const nodeApi = await nodeApiResolver(flags['node-api'], client.network);
    // A confidential job's node waits for its owner to collect the real result before it finishes.
    const collecting = new AbortController();
    const collected = result.confidential
      ? import('../../confidential.js').then(async ({ collectWhileRunning }) =>
          collectWhileRunning({
            client,
            job,
            wallet: await this.keypair(),
            nodeApi,
            signal: collecting.signal,
          }),
        )
      : Promise.resolve(null);
    const {
      job: done,
      result: pinned,
      streamed,
      pulls,
    } = await followJob({
      client,
      job,
      nodeApi,
      wallet: await this.keypair(),
      json: this.jsonEnabled(),
      onLog: (entry) => this.log(entry.log),
      ...(gateway && result.services.some((s) => s.url)
        ? {
            services: {
              list: result.services,
              gateway,
              onChange: (service: JobService) => this.log(describeServices([service], true).join('')),
            },
          }
        : {}),
    });
    if (gateway) await probeServices(result.services, gateway);
    const fromNode = await collected.finally(() => collecting.abort());
    if (result.confidential && !fromNode)
      this.warnUser(`the node kept no result for job ${job}: showing the blank pinned one`);
    const sealed = fromNode ?? pinned;
    const { openIfSealed } = await import('../../trust.js');
    const flow = sealed ? await openIfSealed(sealed, job, await this.keypair()) : null;
    this.log(await describeJob(done, client));
    if (flow && !streamed) for (const line of resultLogLines(flow)) this.log(line);
    if (flow) this.log(describeResult(flow));
    const downloaded = flags.download
      ? await downloadJob(client, done, flags.download, fromNode ? { flow: fromNode } : {})
      : undefined;
    if (downloaded) this.log(`Downloaded to ${downloaded[0]?.replace(/\/[^/]+$/, '')}`);
    result.final = {
      ...summarizeJob(done),
      status: flow?.status ?? null,
      flow,
      ...(pulls.length > 0 ? { pulls } : {}),
      ...(downloaded ? { downloaded } : {}),
    };
    if (done.state === 'STOPPED')
      throw new NosanaError(
        'CLI__JOB_STOPPED',
        `job ${job} was stopped before it finished (its node quit) — get the deposit back with nosana job recover ${job}`,
        { job, state: done.state, result },
      );
    if (flow && flow.status !== 'success')
      throw new NosanaError('CLI__JOB_FAILED', `job ${job} ended with status ${flow.status}`, {
        job,
        status: flow.status,
        result,
      });
    return result;
  }
}
