import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { discoverLocalnetServices } from '../../localnet-services.js';
import { details, interactive } from '../../output.js';
import { defaultLocalnetDir, localnetUrls, probeLocalnet } from './status.js';

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
}

/** The shape of a service URL on a gateway at `gatewayUrl` (a localnet gateway's domain is `localhost`). */
const serviceUrlOf = (gatewayUrl: string) => {
  const url = new URL(gatewayUrl);
  return `${url.protocol}//<service-id>.${url.host}`;
};

export default class LocalnetStart extends NosanaCommand<LocalnetStartResult> {
  static override summary = 'start the embedded Nosana network (Solana RPC + Jobs/Staking programs + IPFS)';
  static override description =
    "Serves Solana JSON-RPC on --rpc-port (WebSocket on the next port) with the Nosana programs emulated at their real addresses, a NOS faucet, a cpu and a gpu market, and a Kubo-compatible IPFS API on --ipfs-port. Next to it run a service gateway (jobs' exposed ports at http://<service-id>.localhost:<gateway port>) and an indexer (API and explorer), unless --no-gateway / --no-indexer; nodes and clients discover both from the RPC (`localnet_info`). State persists in --data-dir across restarts. Runs in the foreground until Ctrl-C, or in the background with --detach; everything stops together.";
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --detach',
    '<%= config.bin %> <%= command.id %> --reset --rpc-port 18899 --ipfs-port 15001',
    '<%= config.bin %> <%= command.id %> --detach --no-indexer --gateway-port 18080',
  ];
  static override flags = {
    detach: Flags.boolean({
      char: 'd',
      summary: 'run in the background (stop it with `nosana localnet stop`)',
    }),
    'data-dir': Flags.string({ summary: 'state directory (default ~/.nosana/localnet)' }),
    reset: Flags.boolean({ summary: 'start from genesis, discarding saved state' }),
    'rpc-port': Flags.integer({
      summary: 'JSON-RPC port; the WebSocket uses the next one',
      default: 8899,
      min: 1,
      max: 65534,
    }),
    'ipfs-port': Flags.integer({ summary: 'IPFS API and gateway port', default: 5001, min: 1, max: 65535 }),
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
    const dataDir = flags['data-dir'] ?? defaultLocalnetDir();
    const urls = localnetUrls(flags['rpc-port'], flags['ipfs-port']);
    if (flags.detach) return this.detach(dataDir, urls, flags);

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
    const result: LocalnetStartResult = {
      rpcUrl: localnet.rpcUrl,
      wsUrl: localnet.wsUrl,
      ipfsApiUrl: localnet.ipfsApiUrl,
      dataDir: localnet.dataDir,
      pid: process.pid,
      detached: false,
      gatewayUrl: extra.services.gateway ?? null,
      serviceUrl: extra.services.gateway ? serviceUrlOf(extra.services.gateway) : null,
      indexerUrl: extra.services.indexer ?? null,
    };
    this.log(
      details([
        ['RPC', localnet.rpcUrl],
        ['WebSocket', localnet.wsUrl],
        ['IPFS API', localnet.ipfsApiUrl],
        ['gateway', result.gatewayUrl ?? undefined],
        ['services', result.serviceUrl ?? undefined],
        ['indexer', result.indexerUrl ?? undefined],
        ['data', localnet.dataDir],
        ['markets', localnet.markets.map((m) => `${m.name} ${m.address}`).join(', ')],
      ]),
    );
    this.printEnvelopeNow(result);
    this.log('Serving. Press Ctrl-C to stop (state is saved).');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await extra.close();
    await localnet.close();
    return result;
  }

  private async detach(
    dataDir: string,
    urls: ReturnType<typeof localnetUrls>,
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
    const child = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, NO_COLOR: '1' },
    });
    closeSync(out);
    let exited: number | null | undefined;
    child.once('exit', (code) => {
      exited = code;
    });
    const started = Date.now();
    let services: Awaited<ReturnType<typeof discoverLocalnetServices>> = {};
    const { NosanaError } = await import('@nosana/core');
    if (interactive(this.jsonEnabled()))
      (await import('@oclif/core')).ux.action.start('Starting the localnet');
    while (true) {
      if (exited !== undefined) {
        const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
        throw new NosanaError(
          'LOCALNET__NOT_RUNNING',
          `the localnet exited during start-up (code ${exited}):\n${tail}`,
          { dataDir },
        );
      }
      // Ready once the RPC answers and the services asked for are announced.
      if ((await probeLocalnet(urls.rpcUrl)) !== null) {
        services = await discoverLocalnetServices(urls.rpcUrl);
        if ((!flags.gateway || services.gateway) && (!flags.indexer || services.indexer)) break;
      }
      if (Date.now() - started > 60_000) {
        child.kill('SIGTERM');
        throw new NosanaError(
          'CLI__WAIT_TIMEOUT',
          `the localnet did not answer on ${urls.rpcUrl} within 60 s — see ${logFile}`,
          { what: 'localnet start', seconds: 60 },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (interactive(this.jsonEnabled())) (await import('@oclif/core')).ux.action.stop('ready');
    child.unref();
    this.log(
      details([
        ['RPC', urls.rpcUrl],
        ['WebSocket', urls.wsUrl],
        ['IPFS API', urls.ipfsApiUrl],
        ['gateway', services.gateway],
        ['services', services.gateway ? serviceUrlOf(services.gateway) : undefined],
        ['indexer', services.indexer],
        ['data', dataDir],
        ['log', logFile],
        ['pid', String(child.pid)],
      ]),
    );
    this.log('Running in the background; stop it with `nosana localnet stop`.');
    return {
      ...urls,
      dataDir,
      pid: child.pid!,
      detached: true,
      gatewayUrl: services.gateway ?? null,
      serviceUrl: services.gateway ? serviceUrlOf(services.gateway) : null,
      indexerUrl: services.indexer ?? null,
    };
  }
}
