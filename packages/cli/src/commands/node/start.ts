import { homedir } from 'node:os';
import { join } from 'node:path';
import type { NodeEvent } from '@nosana/node';
import { Flags, ux } from '@oclif/core';
import { NetworkCommand } from '../../network-command.js';
import { chooseMarket, marketImages } from '../../node-market.js';
import { engineFlags, hostSpecs, specsEntries } from '../../node-specs.js';
import { details, state } from '../../output.js';
import { parseGatewayUrl, publishingGateway } from '../../service-urls.js';

export { parseGatewayUrl };

/** What `nosana node start --json` prints once the node is serving (and returns when it stops). */
export interface NodeStartResult {
  address: string;
  market: string | null;
  api: string;
  stateDir: string;
  jobs: number;
  /** The gateway publishing the jobs' services (the localnet's by default there), or null. */
  gateway: string | null;
  /** The node API's public URL through the gateway (`<node address>.<gateway domain>`), or null. */
  publicApi: string | null;
  /** Seconds a service may stay unhealthy before its job is ended (0: never). */
  serviceGrace: number;
}

export default class NodeStart extends NetworkCommand<NodeStartResult> {
  static override summary = 'run a host node: join a market, run its jobs in containers, get paid';
  static override description =
    `Checks the host (container engine, GPUs, disk, SOL, stake), then joins the market's queue and runs the jobs it is matched with, until Ctrl-C (or SIGTERM): running jobs are then stopped, their partial results posted and paid, and the node leaves the queue.

State lives in --state-dir: after a crash (even kill -9) the next start resumes running containers or settles pinned results. The node API (--api-port, 127.0.0.1) serves its status and, to a job's poster, live logs.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> --market cpu',
    '<%= config.bin %> <%= command.id %>   # lists the markets this host qualifies for, and why others refuse it',
    '<%= config.bin %> <%= command.id %> --market auto',
    '<%= config.bin %> <%= command.id %> --market <gpu-market> --network mainnet --gpu 0,1',
    '<%= config.bin %> <%= command.id %> --provider podman --concurrency 2 --json',
  ];
  static override flags = {
    market: Flags.string({
      char: 'm',
      summary:
        'market to join (address, or name on localnet), or auto: the best-paying market this host qualifies for; without it, the markets that fit are listed',
      env: 'NOSANA_MARKET',
    }),
    ...engineFlags,
    gpu: Flags.string({ summary: 'GPUs jobs may use: all, none, or indexes like 0,1', default: 'all' }),
    concurrency: Flags.integer({ summary: 'jobs run at once', default: 1, min: 1, max: 16 }),
    'api-port': Flags.integer({
      summary: 'port of the node API on 127.0.0.1 (0: any free port)',
      default: 5101,
      min: 0,
      max: 65535,
    }),
    'state-dir': Flags.string({
      summary: 'where the node keeps its state and logs (default ~/.nosana/node)',
    }),
    'min-disk': Flags.integer({ summary: 'GiB of free disk required to start', default: 10, min: 0 }),
    gateway: Flags.string({
      summary:
        "gateway that publishes the jobs' services (e.g. https://node.example.com); the node opens an outbound tunnel to it",
      description:
        'Default on localnet: the gateway `nosana localnet start` runs (announced by the localnet). `none`: no gateway (services stay on this host).',
      env: 'NOSANA_GATEWAY_URL',
    }),
    'service-grace': Flags.integer({
      summary:
        'seconds a service may stay unhealthy (after it first came online) before its job is ended early, failed, paid for the time served; 0: never',
      default: 60,
      min: 0,
      max: 86_400,
    }),
    'resource-allow': Flags.string({
      summary:
        'non-public address a job resource (URL, S3, Hugging Face) may be downloaded from: a CIDR, an address or a host name (repeatable; default: public addresses only)',
      multiple: true,
    }),
    'pre-pull': Flags.string({
      summary:
        "image to pull before joining the queue, besides the market's required images (repeatable); none: pull nothing, not even the market's",
      multiple: true,
    }),
    'image-cache': Flags.integer({
      summary:
        'GiB the images this node pulled may use: the least recently used are removed after each job (never a running job’s, the market’s or a pre-pulled one); default: no limit',
      min: 1,
    }),
    'api-allowed-host': Flags.string({
      summary:
        'another Host name the node API answers to, e.g. behind a reverse proxy (repeatable; always: localhost, 127.0.0.1, [::1])',
      multiple: true,
    }),
  };

  async run(): Promise<NodeStartResult> {
    const { flags } = await this.parse(NodeStart);
    const stateDir = flags['state-dir'] ?? join(homedir(), '.nosana', 'node');
    const { NosanaError } = await import('@nosana/core');
    const gpus = parseGpuFlag(flags.gpu, NosanaError);
    const allow = await parseResourceAllow(flags['resource-allow'] ?? [], NosanaError);
    const images = imageSettings(flags['pre-pull'], flags['image-cache'], NosanaError);
    const client = await this.client(flags, { wallet: 'create' });
    // Host specs, then the market: given, `auto`, or listed with the reasons (node-specs.ts, node-market.ts).
    const { specs } = await hostSpecs({
      provider: flags.provider,
      engineHost: flags['engine-host'],
      gpus: gpus === 'none' ? 'none' : 'all',
      diskPath: stateDir,
    });
    this.log(details(await specsEntries(specs)));
    const market = await chooseMarket({
      client,
      flag: flags.market,
      gpus: specs.gpus,
      directory: this.directory,
      log: (l) => this.log(l),
    });
    const gateway = await publishingGateway(flags.gateway, client.network);
    const { startHostNode } = await import('@nosana/node');
    let jobs = 0;
    const host = await startHostNode({
      client,
      wallet: await this.keypair(),
      stateDir,
      ...(flags.provider ? { provider: flags.provider as 'docker' | 'podman' } : {}),
      ...(flags['engine-host'] ? { engineHost: flags['engine-host'] } : {}),
      market,
      ...(this.directory ? { marketImages: marketImages(this.directory) } : {}),
      specs,
      gpus,
      concurrency: flags.concurrency,
      api: {
        port: flags['api-port'],
        version: this.config.version,
        ...(flags['api-allowed-host'] ? { allowedHosts: flags['api-allowed-host'] } : {}),
      },
      ...(allow.length > 0 ? { runtime: { downloads: { allow } } } : {}),
      checks: { diskPath: stateDir, minDiskBytes: flags['min-disk'] * 1024 ** 3 },
      ...images,
      ...(gateway ? { gateway: { url: gateway } } : {}),
      serviceHealth: { graceMs: flags['service-grace'] * 1000 },
      onEvent: (event) => {
        if (event.type === 'job-finished') jobs++;
        this.show(event);
      },
    });
    const { node, address } = host;
    const apiUrl = host.api?.url ?? '';
    let publicApi: string | null = null;
    void host.publicApi.then((url) => {
      publicApi = url;
      if (url) this.log(`Node API public at ${url} (live logs for job owners, from anywhere)`);
    });
    const stop = () => {
      this.log('Stopping: running jobs are stopped, their results posted; leaving the queue…');
      void node.stop();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    this.log(
      `Node ${ux.colorize('bold', address)} on ${client.network.name}; API ${apiUrl}${gateway ? `; services published through ${gateway}` : ''}`,
    );
    const summary = () => ({
      address,
      market: node.market() ?? null,
      api: apiUrl,
      stateDir,
      jobs,
      gateway: gateway ?? null,
      publicApi,
      serviceGrace: flags['service-grace'],
    });
    let announced = false;
    const announce = setInterval(() => {
      if (announced || node.market() === undefined) return;
      announced = true;
      this.printEnvelopeNow(summary());
    }, 100);
    try {
      await host.done;
    } finally {
      clearInterval(announce);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return summary();
  }

  /** Last time pull progress of an image was shown (throttled to one line per 2 s). */
  private readonly pulls = new Map<string, number>();

  private show(event: NodeEvent): void {
    // Formatted only for the events shown (a job's log lines come through here too, one event each).
    const time = () => ux.colorize('dim', new Date().toISOString().slice(11, 19));
    switch (event.type) {
      case 'check':
        this.log(
          `${time()} ${event.check.ok ? ux.colorize('green', '✔') : ux.colorize('red', '✖')} ${event.check.name}: ${event.check.detail}`,
        );
        break;
      case 'state':
        this.log(
          `${time()} ${state(event.state)}${event.state === 'queued' && event.market ? ` in market ${event.market}` : ''}`,
        );
        break;
      case 'job-started':
        this.log(`${time()} running job ${ux.colorize('bold', event.job)}`);
        break;
      case 'image-ready': {
        const { image, outcome, ms, bytes, error } = event.result;
        if (outcome === 'failed')
          this.warnUser(`pre-pull of ${image} failed: ${error?.message ?? 'unknown error'}`);
        else
          this.log(
            `${time()}   image ${image} ${outcome === 'present' ? 'present' : `pulled (${((bytes ?? 0) / 1e6).toFixed(1)} MB in ${(ms / 1000).toFixed(1)} s)`}`,
          );
        break;
      }
      case 'job-finished': {
        const paid = event.payout > 0n ? `, paid ${Number(event.payout) / 1e6} NOS` : '';
        this.log(
          `${time()} job ${event.job}: ${state(event.status)} (${event.action}${paid}), result ${event.result}`,
        );
        break;
      }
      case 'job-recovered':
        this.log(`${time()} recovered job ${event.job}: ${event.action}`);
        break;
      case 'warning':
        this.warnUser(event.message);
        break;
      case 'service-online':
        this.log(
          `${time()} job ${event.job}: service ${event.op}:${event.port} online (health-metered from now on)`,
        );
        break;
      case 'service-unhealthy':
        this.warnUser(
          `job ${event.job}: ${event.reason} (op ${event.op}, port ${event.port}) — ending it early, paid for the time served`,
        );
        break;
      case 'service':
        if (event.status === 'failed')
          this.warnUser(
            `job ${event.job}: service ${event.op}:${event.port} not published: ${event.message}`,
          );
        else
          this.log(
            `${time()}   ${event.op}:${event.port} ${event.status === 'exposed' ? `published at ${event.url ?? '(private URL, owner only)'}` : 'withdrawn'}`,
          );
        break;
      case 'runtime':
        if (event.event.type === 'op-status')
          this.log(`${time()}   ${event.event.opId}: ${state(event.event.status)}`);
        else if (event.event.type === 'pull') {
          const { image, current, total } = event.event.progress;
          const last = this.pulls.get(image) ?? 0;
          if (Date.now() - last < 2000 && current < total) break;
          this.pulls.set(image, Date.now());
          const mb = (n: number) => (n / 1e6).toFixed(0);
          this.log(
            `${time()}   pulling ${image}: ${total > 0 ? `${mb(current)}/${mb(total)} MB (${Math.floor((current / total) * 100)}%)` : event.event.progress.status}`,
          );
        }
        break;
    }
  }
}

/**
 * `--resource-allow` entries, checked as the runtime's download address policy reads them (bad input: exit 1,
 * before anything starts).
 *
 * @example
 * ```ts
 * await parseResourceAllow(['10.0.0.0/8', 'models.internal'], NosanaError); // the same list
 * ```
 */
export async function parseResourceAllow(
  values: string[],
  NosanaError: typeof import('@nosana/core').NosanaError,
): Promise<string[]> {
  if (values.length === 0) return values;
  const { createAddressPolicy } = await import('@nosana/runtime');
  for (const value of values) {
    try {
      createAddressPolicy({ allow: [value] });
    } catch (error) {
      throw new NosanaError(
        'CLI__INVALID_FLAG',
        `--resource-allow "${value}" is not a CIDR (10.0.0.0/8), an address or a host name: ${(error as Error).message}`,
        { flag: 'resource-allow', value },
        { cause: error },
      );
    }
  }
  return values;
}

/**
 * `--pre-pull` and `--image-cache` → the node's `prePull` and `imageCache` settings (nothing when not given).
 *
 * @example
 * ```ts
 * imageSettings(['ollama/ollama:0.5.7'], 50, NosanaError); // { prePull: ['ollama/ollama:0.5.7'], imageCache: { maxBytes: 50 GiB } }
 * imageSettings(['none'], undefined, NosanaError); // { prePull: false }
 * ```
 */
export function imageSettings(
  prePull: string[] | undefined,
  cacheGiB: number | undefined,
  NosanaError: typeof import('@nosana/core').NosanaError,
): { prePull?: string[] | false; imageCache?: { maxBytes: number } } {
  const images = prePull ?? [];
  if (images.includes('none') && images.length > 1)
    throw new NosanaError(
      'CLI__INVALID_FLAG',
      `--pre-pull none means no pre-pull at all: it cannot be combined with images (${images.filter((i) => i !== 'none').join(', ')})`,
      { flag: 'pre-pull', value: images.join(',') },
    );
  for (const image of images) {
    if (image !== 'none' && !/^[a-z0-9][\w.:/@-]{0,511}$/i.test(image))
      throw new NosanaError(
        'CLI__INVALID_FLAG',
        `--pre-pull "${image}" is not an image reference like registry.example.com/team/app:1.2 or busybox:1.35`,
        { flag: 'pre-pull', value: image },
      );
  }
  return {
    ...(images.length === 0 ? {} : { prePull: images[0] === 'none' ? false : images }),
    ...(cacheGiB === undefined ? {} : { imageCache: { maxBytes: cacheGiB * 1024 ** 3 } }),
  };
}

/** `all`, `none` or `0,1` → what the runtime takes. */
export function parseGpuFlag(
  value: string,
  NosanaError: typeof import('@nosana/core').NosanaError,
): 'all' | 'none' | { ids: string[] } {
  if (value === 'all' || value === 'none') return value;
  const ids = value.split(',').map((s) => s.trim());
  if (ids.some((id) => !/^\d+$|^GPU-[0-9a-f-]+$/i.test(id))) {
    throw new NosanaError(
      'CLI__INVALID_FLAG',
      `--gpu takes all, none, or GPU indexes/UUIDs separated by commas (e.g. 0,1) — got "${value}"`,
      { flag: 'gpu', value },
    );
  }
  return { ids };
}
