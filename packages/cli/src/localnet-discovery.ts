/**
 * How the other commands find a localnet started with `nosana localnet start`, whatever its ports and data
 * directory: the serving process writes its URLs into `<data dir>/endpoints.json` and a pointer to that directory
 * into the Nosana home (`~/.nosana/current-localnet.json`), and removes both when it stops. Readers trust a file only
 * while the process it names is alive, so a localnet killed with SIGKILL leaves nothing that misleads them.
 */
import { readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeAtomically } from './atomic-write.js';

/** The Nosana home: `~/.nosana` (wallet, localnet, node state, config profiles). */
export const nosanaHome = (): string => join(homedir(), '.nosana');

/** The localnet's default state directory (same as @nosana/localnet's, without importing it). */
export const defaultLocalnetDir = (): string => join(nosanaHome(), 'localnet');

/** Where a running localnet's URLs are written, in its data directory. */
export const endpointsFileOf = (dataDir: string): string => join(dataDir, 'endpoints.json');

/** The pointer to the data directory of the localnet started last. */
export const pointerFile = (): string => join(nosanaHome(), 'current-localnet.json');

/** A running localnet's URLs, as `endpoints.json` holds them. */
export interface LocalnetEndpoints {
  /** The process serving it. */
  pid: number;
  /** Its state directory (absolute). */
  dataDir: string;
  rpcUrl: string;
  wsUrl: string;
  ipfsApiUrl: string;
  ipfsGatewayUrl: string;
  /** The service gateway next to it, or null. */
  gatewayUrl: string | null;
  /** The indexer next to it, or null. */
  indexerUrl: string | null;
  /** The program ids it emulates. */
  programs: 'mainnet' | 'devnet';
}

/** Whether a process exists (EPERM: it does, owned by another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const readJson = (path: string): unknown => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
};

/**
 * Records a localnet that serves now: its URLs in its data directory, and the pointer in the Nosana home.
 *
 * @example
 * ```ts
 * publishLocalnet({ pid: process.pid, dataDir, rpcUrl, wsUrl, ipfsApiUrl, ipfsGatewayUrl, gatewayUrl: null, indexerUrl: null, programs: 'mainnet' });
 * ```
 */
export function publishLocalnet(endpoints: LocalnetEndpoints): void {
  writeAtomically(endpointsFileOf(endpoints.dataDir), `${JSON.stringify(endpoints, null, 2)}\n`);
  writeAtomically(pointerFile(), `${JSON.stringify({ dataDir: endpoints.dataDir }, null, 2)}\n`);
}

/**
 * Removes what {@link publishLocalnet} wrote for the localnet of process `pid` in `dataDir`: its endpoints file, and
 * the pointer when it still points there (another localnet may have been started since).
 *
 * @example
 * ```ts
 * unpublishLocalnet(dataDir, process.pid);
 * ```
 */
export function unpublishLocalnet(dataDir: string, pid: number): void {
  const endpoints = readJson(endpointsFileOf(dataDir)) as Partial<LocalnetEndpoints> | undefined;
  if (endpoints?.pid === pid) rmSync(endpointsFileOf(dataDir), { force: true });
  const pointer = readJson(pointerFile()) as { dataDir?: unknown } | undefined;
  if (pointer?.dataDir === resolve(dataDir)) rmSync(pointerFile(), { force: true });
}

const isEndpoints = (value: unknown): value is LocalnetEndpoints => {
  const v = value as Partial<LocalnetEndpoints> | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.pid === 'number' &&
    typeof v.dataDir === 'string' &&
    typeof v.rpcUrl === 'string' &&
    typeof v.wsUrl === 'string' &&
    typeof v.ipfsApiUrl === 'string'
  );
};

/**
 * The URLs of the localnet serving from `dataDir`, or null when none does (no file, or its process is gone).
 *
 * @example
 * ```ts
 * const localnet = readLocalnetEndpoints('/tmp/my-localnet');
 * ```
 */
export function readLocalnetEndpoints(dataDir: string): LocalnetEndpoints | null {
  const endpoints = readJson(endpointsFileOf(dataDir));
  return isEndpoints(endpoints) && processAlive(endpoints.pid) ? endpoints : null;
}

/** The data directory the pointer names, or undefined. */
export function pointedDataDir(): string | undefined {
  const pointer = readJson(pointerFile()) as { dataDir?: unknown } | undefined;
  return typeof pointer?.dataDir === 'string' ? pointer.dataDir : undefined;
}

/** Parameters of {@link findLocalnet}. */
export interface FindLocalnetParameters {
  /** Look only here (`--data-dir`); default: where the pointer says, then the default directory. */
  dataDir?: string | undefined;
}

/**
 * The running localnet the commands use by default: the one in `dataDir` when given, else the one started last
 * (the pointer), else the one in the default directory; null when none of them runs.
 *
 * @example
 * ```ts
 * const rpcUrl = findLocalnet()?.rpcUrl ?? 'http://127.0.0.1:8899';
 * ```
 */
export function findLocalnet({ dataDir }: FindLocalnetParameters = {}): LocalnetEndpoints | null {
  if (dataDir !== undefined) return readLocalnetEndpoints(dataDir);
  const pointed = pointedDataDir();
  return (pointed ? readLocalnetEndpoints(pointed) : null) ?? readLocalnetEndpoints(defaultLocalnetDir());
}

/**
 * The environment variables that point other tools (and shells without the pointer) at a localnet.
 *
 * @example
 * ```ts
 * for (const [name, value] of Object.entries(localnetEnv(endpoints))) console.log(`export ${name}=${value}`);
 * ```
 */
export function localnetEnv(
  endpoints: Pick<LocalnetEndpoints, 'rpcUrl' | 'ipfsApiUrl'>,
): Record<string, string> {
  return {
    NOSANA_NETWORK: 'localnet',
    NOSANA_RPC: endpoints.rpcUrl,
    NOSANA_IPFS_API: endpoints.ipfsApiUrl,
  };
}
