import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { details } from '../../output.js';

/** The localnet's default state directory (same as @nosana/localnet's, without importing it). */
export const defaultLocalnetDir = () => join(homedir(), '.nosana', 'localnet');

/** The URLs of a localnet on these ports of 127.0.0.1. */
export const localnetUrls = (rpcPort: number, ipfsPort: number) => ({
  rpcUrl: `http://127.0.0.1:${rpcPort}`,
  wsUrl: `ws://127.0.0.1:${rpcPort + 1}`,
  ipfsApiUrl: `http://127.0.0.1:${ipfsPort}`,
});

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
  dataDir: string;
  pid: number | null;
  slot: number | null;
  markets: Array<{ name: string; address: string }>;
  /** The localnet's service gateway, when one runs next to it. */
  gatewayUrl: string | null;
  /** Its indexer, when one runs next to it. */
  indexerUrl: string | null;
}

export default class LocalnetStatus extends NosanaCommand<LocalnetStatusResult> {
  static override summary = 'tell whether the localnet runs, where, and its markets';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --rpc-port 18899 --json',
  ];
  static override flags = {
    'data-dir': Flags.string({ summary: 'state directory (default ~/.nosana/localnet)' }),
    'rpc-port': Flags.integer({ summary: 'JSON-RPC port', default: 8899 }),
  };

  async run(): Promise<LocalnetStatusResult> {
    const { flags } = await this.parse(LocalnetStatus);
    const dataDir = flags['data-dir'] ?? defaultLocalnetDir();
    const { rpcUrl } = localnetUrls(flags['rpc-port'], 5001);
    const pidFile = join(dataDir, 'localnet.pid');
    const pid = existsSync(pidFile) ? Number.parseInt(readFileSync(pidFile, 'utf8'), 10) || null : null;
    const probe = await probeLocalnet(rpcUrl);
    const result: LocalnetStatusResult = {
      running: probe !== null,
      rpcUrl,
      dataDir,
      pid,
      slot: probe?.slot ?? null,
      markets: probe?.markets.map(({ name, address }) => ({ name, address })) ?? [],
      gatewayUrl: probe?.services?.gateway ?? null,
      indexerUrl: probe?.services?.indexer ?? null,
    };
    this.log(
      probe
        ? details([
            ['status', 'running'],
            ['RPC', rpcUrl],
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
