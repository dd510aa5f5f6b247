import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import {
  defaultLocalnetDir,
  type LocalnetEndpoints,
  localnetEnv,
  publishLocalnet,
  readLocalnetEndpoints,
  unpublishLocalnet,
} from '../../localnet-discovery.js';
import { details, interactive } from '../../output.js';
import { probeLocalnet } from './status.js';

/** What `nosana localnet start --json` returns once the network answers. */
export interface LocalnetStartResult {
  rpcUrl: string;
  wsUrl: string;
  ipfsApiUrl: string;
  dataDir: string;
  /** The process serving it (this one, or the detached one). */
  pid: number;
  detached: boolean;
  /** The service gateway (hosts open tunnels here), or null with --no-gateway. */
  gatewayUrl: string | null;
  /** What a service's public URL looks like: `http://<service-id>.localhost:<port>`; null without a gateway. */
  serviceUrl: string | null;
  /** The indexer (API under /api, explorer at /), or null with --no-indexer. */
  indexerUrl: string | null;
  /** Environment variables that point other tools at it (`nosana` commands find it on their own). */
  env: Record<string, string>;
}

/** The shape of a service URL on a gateway at `gatewayUrl` (a localnet gateway's domain is `localhost`). */
const serviceUrlOf = (gatewayUrl: string) => {
  const url = new URL(gatewayUrl);
  return `${url.protocol}//<service-id>.${url.host}`;
};

export default class LocalnetStart extends NosanaCommand<LocalnetStartResult> {
  static override summary = 'start the embedded Nosana network (Solana RPC + Jobs/Staking programs + IPFS)';
  static override description =
    "Serves Solana JSON-RPC on --rpc-port (WebSocket on the next port) with the Nosana programs emulated at their real addresses, a NOS faucet, a cpu and a gpu market, and a Kubo-compatible IPFS API on --ipfs-port. Next to it run a service gateway (jobs' exposed ports at http://<service-id>.localhost:<gateway port>) and an indexer (API and explorer), unless --no-gateway / --no-indexer; nodes and clients discover both from the RPC (`localnet_info`). State persists in --data-dir across restarts. Runs in the foreground until Ctrl-C, or in the background with --detach (a server process started with glibc malloc settings that make the IPFS API faster: see @nosana/localnet's `localnetServerEnv`; prefix a foreground start with MALLOC_TRIM_THRESHOLD_=268435456 MALLOC_MMAP_THRESHOLD_=33554432 for the same); everything stops together. It writes its URLs to <data dir>/endpoints.json and points ~/.nosana/current-localnet.json at its data directory, so the other commands (and `localnet status` / `stop`) find it whatever its ports; it prints the environment variables that point other tools at it.";
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --detach',
    '<%= config.bin %> <%= command.id %> --reset --rpc-port 18899 --ipfs-port 15001',
    '<%= config.bin %> <%= command.id %> --detach --no-indexer --gateway-port 18080',
    '<%= config.bin %> <%= command.id %> --detach --data-dir /tmp/my-localnet --rpc-port 0 --ipfs-port 0',
  ];
  static override flags = {
    detach: Flags.boolean({
      char: 'd',
      summary: 'run in the background (stop it with `nosana localnet stop`)',
    }),
    'data-dir': Flags.string({ summary: 'state directory (default ~/.nosana/localnet)' }),
    reset: Flags.boolean({ summary: 'start from genesis, discarding saved state' }),
    'rpc-port': Flags.integer({
      summary: 'JSON-RPC port; the WebSocket uses the next one (0: a free pair)',
      default: 8899,
      min: 0,
      max: 65534,
    }),
    'ipfs-port': Flags.integer({
      summary: 'IPFS API and gateway port (0: a free one)',
      default: 5001,
      min: 0,
      max: 65535,
    }),
    programs: Flags.string({
      summary: 'program ids and NOS mint to emulate',
      options: ['mainnet', 'devnet'],
      default: 'mainnet',
    }),
    gateway: Flags.boolean({
      summary: "run a service gateway for jobs' exposed ports (--no-gateway: none)",
      default: true,
      allowNo: true,
    }),
    'gateway-port': Flags.integer({
      summary: 'port of the gateway (default 8080, or a free one when 8080 is taken)',
      min: 0,
      max: 65535,
    }),
    indexer: Flags.boolean({
      summary: 'run an indexer (job list/explain API, explorer) (--no-indexer: none)',
      default: true,
      allowNo: true,
    }),
    'indexer-port': Flags.integer({
      summary: 'port of the indexer (default 8090, or a free one when 8090 is taken)',
      min: 0,
      max: 65535,
    }),
  };

  async run(): Promise<LocalnetStartResult> {
    const { flags } = await this.parse(LocalnetStart);
    const dataDir = resolve(flags['data-dir'] ?? defaultLocalnetDir());
    if (flags.detach) return this.detach(dataDir, flags);

    const { startLocalnet } = await import('@nosana/localnet');
    const localnet = await startLocalnet({
      dataDir,
      reset: flags.reset,
      rpcPort: flags['rpc-port'],
      ipfsPort: flags['ipfs-port'],
      programs: flags.programs as 'mainnet' | 'devnet',
    });
    let extra: Awaited<ReturnType<typeof import('../../localnet-services.js').startLocalnetServices>>;
    try {
      const { startLocalnetServices } = await import('../../localnet-services.js');
      extra = await startLocalnetServices({
        rpcUrl: localnet.rpcUrl,
        wsUrl: localnet.wsUrl,
        ipfsApiUrl: localnet.ipfsApiUrl,
        dataDir: localnet.dataDir,
        programs: flags.programs as 'mainnet' | 'devnet',
        gateway: flags.gateway && {
          port: flags['gateway-port'] ?? 8080,
          strict: flags['gateway-port'] !== undefined,
        },
        indexer: flags.indexer && {
          port: flags['indexer-port'] ?? 8090,
          strict: flags['indexer-port'] !== undefined,
        },
        log: (message) => this.logToStderr(message),
        warn: (message) => this.warnUser(message),
      });
    } catch (error) {
      await localnet.close();
      throw error;
    }
    localnet.announce(extra.services);
    const endpoints: LocalnetEndpoints = {
      pid: process.pid,
      dataDir,
      rpcUrl: localnet.rpcUrl,
      wsUrl: localnet.wsUrl,
      ipfsApiUrl: localnet.ipfsApiUrl,
      ipfsGatewayUrl: localnet.ipfsGatewayUrl,
      gatewayUrl: extra.services.gateway ?? null,
      indexerUrl: extra.services.indexer ?? null,
      programs: flags.programs as 'mainnet' | 'devnet',
    };
    // Written last: a detached parent waits for this file, and other commands find the localnet through it.
    publishLocalnet(endpoints);
    const result = resultOf(endpoints, false);
    this.log(
      details(
        this.rows(result, [['markets', localnet.markets.map((m) => `${m.name} ${m.address}`).join(', ')]]),
      ),
    );
    this.log(exportLines(result.env));
    this.printEnvelopeNow(result);
    this.log('Serving. Press Ctrl-C to stop (state is saved).');
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    unpublishLocalnet(dataDir, process.pid);
    await extra.close();
    await localnet.close();
    return result;
  }

  /** The detail rows of a started localnet. */
  private rows(result: LocalnetStartResult, more: Array<[string, string | undefined]>) {
    return [
      ['RPC', result.rpcUrl],
      ['WebSocket', result.wsUrl],
      ['IPFS API', result.ipfsApiUrl],
      ['gateway', result.gatewayUrl ?? undefined],
      ['services', result.serviceUrl ?? undefined],
      ['indexer', result.indexerUrl ?? undefined],
      ['data', result.dataDir],
      ...more,
    ] as Array<[string, string | undefined]>;
  }

  /** Starts `localnet start` (without --detach) in a background process and waits until it has published its URLs. */
  private async detach(
    dataDir: string,
    flags: {
      reset: boolean;
      'rpc-port': number;
      'ipfs-port': number;
      programs: string;
      gateway: boolean;
      indexer: boolean;
      'gateway-port'?: number | undefined;
      'indexer-port'?: number | undefined;
    },
  ): Promise<LocalnetStartResult> {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const logFile = join(dataDir, 'localnet.log');
    const out = openSync(logFile, 'a', 0o600);
    const args = [
      process.argv[1]!,
      'localnet',
      'start',
      '--data-dir',
      dataDir,
      '--rpc-port',
      String(flags['rpc-port']),
      '--ipfs-port',
      String(flags['ipfs-port']),
      '--programs',
      flags.programs,
      ...(flags.reset ? ['--reset'] : []),
      ...(flags.gateway ? [] : ['--no-gateway']),
      ...(flags.indexer ? [] : ['--no-indexer']),
      ...(flags['gateway-port'] !== undefined ? ['--gateway-port', String(flags['gateway-port'])] : []),
      ...(flags['indexer-port'] !== undefined ? ['--indexer-port', String(flags['indexer-port'])] : []),
    ];
    // The server process starts with the localnet's malloc settings (faster IPFS uploads and reads; an operator's own
    // MALLOC_* or GLIBC_TUNABLES win): a process cannot change them once it runs, so only a detached one gets them.
    const { localnetServerEnv } = await import('@nosana/localnet/server-env');
    const child = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...localnetServerEnv(process.env), NO_COLOR: '1' },
    });
    closeSync(out);
    let exited: number | null | undefined;
    child.once('exit', (code) => {
      exited = code;
    });
    const started = Date.now();
    const { NosanaError } = await import('@nosana/core');
    if (interactive(this.jsonEnabled()))
      (await import('@oclif/core')).ux.action.start('Starting the localnet');
    let endpoints: LocalnetEndpoints;
    while (true) {
      if (exited !== undefined) {
        const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
        throw new NosanaError(
          'LOCALNET__NOT_RUNNING',
          `the localnet exited during start-up (code ${exited}):\n${tail}`,
          { dataDir },
        );
      }
      // Ready once it has published its URLs (after its gateway and indexer started) and its RPC answers.
      const published = readLocalnetEndpoints(dataDir);
      if (published && published.pid === child.pid && (await probeLocalnet(published.rpcUrl)) !== null) {
        endpoints = published;
        break;
      }
      if (Date.now() - started > 60_000) {
        child.kill('SIGTERM');
        throw new NosanaError(
          'CLI__WAIT_TIMEOUT',
          `the localnet did not start within 60 s — see ${logFile}`,
          { what: 'localnet start', seconds: 60 },
        );
      }
      await new Promise((done) => setTimeout(done, 100));
    }
    if (interactive(this.jsonEnabled())) (await import('@oclif/core')).ux.action.stop('ready');
    child.unref();
    const result = resultOf(endpoints, true);
    this.log(
      details(
        this.rows(result, [
          ['log', logFile],
          ['pid', String(child.pid)],
        ]),
      ),
    );
    this.log(exportLines(result.env));
    this.log('Running in the background; stop it with `nosana localnet stop`.');
    return result;
  }
}

/** The result of a localnet that serves at `endpoints`. */
function resultOf(endpoints: LocalnetEndpoints, detached: boolean): LocalnetStartResult {
  return {
    rpcUrl: endpoints.rpcUrl,
    wsUrl: endpoints.wsUrl,
    ipfsApiUrl: endpoints.ipfsApiUrl,
    dataDir: endpoints.dataDir,
    pid: endpoints.pid,
    detached,
    gatewayUrl: endpoints.gatewayUrl,
    serviceUrl: endpoints.gatewayUrl ? serviceUrlOf(endpoints.gatewayUrl) : null,
    indexerUrl: endpoints.indexerUrl,
    env: localnetEnv(endpoints),
  };
}

/** The `export` lines for a shell. */
const exportLines = (env: Record<string, string>) =>
  [
    'Other nosana commands find this localnet on their own; for other tools (or another HOME), export:',
    ...Object.entries(env).map(([name, value]) => `  export ${name}=${value}`),
  ].join('\n');
