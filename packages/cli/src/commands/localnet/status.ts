import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { defaultLocalnetDir, findLocalnet, localnetEnv } from '../../localnet-discovery.js';
import { details } from '../../output.js';

/** What `localnet_info` answers (a subset). */
export interface LocalnetProbe {
  programSet: string;
  mint: string;
  markets: Array<{ name: string; address: string }>;
  slot: number;
  /** The gateway and indexer running next to it (`nosana localnet start`). */
  services?: { gateway?: string; indexer?: string };
}

/** Asks a localnet for its info; null when nothing (or not a localnet) answers. */
export async function probeLocalnet(rpcUrl: string, timeoutMs = 2000): Promise<LocalnetProbe | null> {
  const call = async (method: string) => {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return ((await response.json()) as { result?: unknown }).result;
  };
  try {
    const info = (await call('localnet_info')) as Omit<LocalnetProbe, 'slot'> | undefined;
    if (!info?.markets) return null;
    return { ...info, slot: Number(await call('getSlot')) };
  } catch {
    return null;
  }
}

/** What `nosana localnet status --json` returns. */
export interface LocalnetStatusResult {
  running: boolean;
  rpcUrl: string;
  /** Its IPFS API, when it published its URLs (`nosana localnet start`); else null. */
  ipfsApiUrl: string | null;
  dataDir: string;
  pid: number | null;
  slot: number | null;
  markets: Array<{ name: string; address: string }>;
  /** The localnet's service gateway, when one runs next to it. */
  gatewayUrl: string | null;
  /** Its indexer, when one runs next to it. */
  indexerUrl: string | null;
  /** Environment variables that point other tools at it; null when it does not run or did not publish its URLs. */
  env: Record<string, string> | null;
}

export default class LocalnetStatus extends NosanaCommand<LocalnetStatusResult> {
  static override summary = 'tell whether the localnet runs, where, and its markets';
  static override description =
    'Without flags it looks at the localnet started last (`~/.nosana/current-localnet.json` points at its data directory, whose endpoints.json holds its URLs), then at the default directory, then at port 8899.';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --data-dir /tmp/my-localnet',
    '<%= config.bin %> <%= command.id %> --rpc-port 18899 --json',
  ];
  static override flags = {
    'data-dir': Flags.string({
      summary: 'state directory of the localnet (default: the one started last, else ~/.nosana/localnet)',
    }),
    'rpc-port': Flags.integer({
      summary: 'JSON-RPC port to ask (default: the one the localnet published, else 8899)',
    }),
  };

  async run(): Promise<LocalnetStatusResult> {
    const { flags } = await this.parse(LocalnetStatus);
    const asked = flags['data-dir'] === undefined ? undefined : resolve(flags['data-dir']);
    const found = findLocalnet({ dataDir: asked });
    const dataDir = asked ?? found?.dataDir ?? defaultLocalnetDir();
    const rpcUrl =
      flags['rpc-port'] !== undefined
        ? `http://127.0.0.1:${flags['rpc-port']}`
        : (found?.rpcUrl ?? 'http://127.0.0.1:8899');
    const published = found && found.rpcUrl === rpcUrl ? found : null;
    const pidFile = join(dataDir, 'localnet.pid');
    const pid = existsSync(pidFile) ? Number.parseInt(readFileSync(pidFile, 'utf8'), 10) || null : null;
    const probe = await probeLocalnet(rpcUrl);
    const result: LocalnetStatusResult = {
      running: probe !== null,
      rpcUrl,
      ipfsApiUrl: published?.ipfsApiUrl ?? null,
      dataDir,
      pid,
      slot: probe?.slot ?? null,
      markets: probe?.markets.map(({ name, address }) => ({ name, address })) ?? [],
      gatewayUrl: probe?.services?.gateway ?? null,
      indexerUrl: probe?.services?.indexer ?? null,
      env: probe && published ? localnetEnv(published) : null,
    };
    this.log(
      probe
        ? details([
            ['status', 'running'],
            ['RPC', rpcUrl],
            ['IPFS API', result.ipfsApiUrl ?? undefined],
            ['slot', String(probe.slot)],
            ['pid', pid ? String(pid) : 'unknown'],
            ['gateway', result.gatewayUrl ?? undefined],
            ['indexer', result.indexerUrl ?? undefined],
            ['data', dataDir],
            ['markets', result.markets.map((m) => `${m.name} ${m.address}`).join(', ')],
          ])
        : `status: not running (looked at ${rpcUrl}, data ${dataDir})`,
    );
    if (!probe) {
      const { NosanaError } = await import('@nosana/core');
      throw new NosanaError(
        'CLI__LOCALNET_NOT_RUNNING',
        `no localnet answers on ${rpcUrl} — start one with \`nosana localnet start --detach\``,
        { url: rpcUrl, dataDir, result },
      );
    }
    return result;
  }
}
