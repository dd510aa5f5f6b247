import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getProgramIds, type LocalnetServices, type NosanaProgramIds, type ProgramSet } from '@nosana/chain';
import { NosanaError } from '@nosana/core';
import { airdropNos, createGenesis, type LocalnetInfo } from './genesis.js';
import { type GenesisOptions, genesisSettings, upgradeRewardsGenesis } from './genesis-rewards.js';
import { writeIdlAccounts } from './idl-accounts.js';
import { type IpfsServer, startIpfsServer } from './ipfs/server.js';
import { type ContentStore, openContentStore } from './ipfs/store.js';
import { createJobsProgram } from './programs/jobs.js';
import { createPoolsProgram } from './programs/pools.js';
import { createRewardsProgram } from './programs/rewards.js';
import { createStakingProgram } from './programs/staking.js';
import { Bank } from './solana/bank.js';
import type { EmulatedProgram } from './solana/emulation.js';
import { createRpcHandler } from './solana/rpc.js';
import { type RpcCallListener, startRpcServer } from './solana/server.js';
import './errors.js';

/** Where a localnet keeps its state unless told otherwise. */
export const DEFAULT_LOCALNET_DIR = join(homedir(), '.nosana', 'localnet');

/**
 * Parameters of {@link startLocalnet}. The genesis settings ({@link GenesisOptions}: `rewardsEmission`,
 * `rewardsPoolFunding`, `jobFeeFraction`) shape a localnet when it is created (or reset); a saved one keeps what
 * it was created with.
 */
export interface StartLocalnetParameters extends GenesisOptions {
  /**
   * State directory. Default `~/.nosana/localnet`; `'temporary'` uses a fresh temp directory removed on close
   * (what tests want).
   */
  dataDir?: string | 'temporary';
  /** Start from genesis, discarding saved state. */
  reset?: boolean;
  /** JSON-RPC port; the WebSocket also listens on port + 1. 0 picks free ports. Default 8899. */
  rpcPort?: number;
  /** IPFS API + gateway port. 0 picks a free port. Default 5001, like Kubo. */
  ipfsPort?: number;
  host?: string;
  /** Which program ids and NOS mint the localnet uses. Default `mainnet`. */
  programs?: ProgramSet;
  /** How often unsaved state is written, in ms (0 disables; state is always saved on close). Default 2000. */
  autosaveMs?: number;
  /** Wall clock in ms, for tests. */
  now?: () => number;
  /** Largest JSON-RPC body (HTTP, answered 413) and WebSocket frame, in bytes. Default 1 MiB. */
  maxRpcBodyBytes?: number;
  /** Largest IPFS API request body (an `add`, answered 413), in bytes. Default 4 GiB. */
  maxIpfsBodyBytes?: number;
  /** Sees each JSON-RPC call received over HTTP or WebSocket (method and transport), e.g. to count them. */
  onRpcCall?: RpcCallListener;
}

/** A running localnet. */
export interface Localnet extends LocalnetInfo, AsyncDisposable {
  rpcUrl: string;
  wsUrl: string;
  /** Kubo-compatible IPFS RPC API (use `createKuboStore({ url: ipfsApiUrl })`). */
  ipfsApiUrl: string;
  /** IPFS gateway: `<ipfsGatewayUrl>/ipfs/<cid>`. */
  ipfsGatewayUrl: string;
  dataDir: string;
  /** The IPFS content store, for in-process tests and tools. */
  ipfs: ContentStore;
  /** The ledger, for in-process tests and tools. */
  bank: Bank;
  /** Mints NOS from the faucet to `owner` (base units). */
  airdropNos(owner: string, amount: bigint): string;
  /** Writes state to the data directory now. */
  save(): void;
  /**
   * Announces services running next to this localnet (a gateway, an indexer): `localnet_info` answers them from now
   * on, so nodes and clients discover them from the RPC URL alone. Not saved.
   */
  announce(services: LocalnetServices): void;
  /**
   * Sets the images a market declares (`requiredImages` in `localnet_info`, the real markets' `required_images`)
   * by market name; nodes pull them when they join its queue. Saved with the localnet's info.
   */
  setRequiredImages(market: string, images: string[]): void;
  /** Stops the servers, saves state (or removes a temporary directory) and releases the data directory. */
  close(): Promise<void>;
}

/**
 * Starts the embedded Nosana network: Solana JSON-RPC + WebSocket over litesvm with the Nosana Jobs, Staking,
 * Rewards and Pools programs emulated at their real program ids, a NOS mint with a faucet, two markets and a
 * rewards pool emitting NOS to stakers.
 *
 * @example
 * ```ts
 * await using localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0 });
 * const connection = new Connection(localnet.rpcUrl, { wsEndpoint: localnet.wsUrl });
 * ```
 */
export async function startLocalnet(parameters: StartLocalnetParameters = {}): Promise<Localnet> {
  const temporary = parameters.dataDir === 'temporary';
  const dataDir = temporary
    ? mkdtempSync(join(tmpdir(), 'nosana-localnet-'))
    : (parameters.dataDir ?? DEFAULT_LOCALNET_DIR);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const release = lockDataDir(dataDir);
  try {
    const { bank, info, ids, ledger, infoPath } = await openLedger(dataDir, parameters);
    const ledgerBank = bank;
    const mint = (owner: string, amount: bigint) => airdropNos(ledgerBank, ids, owner, amount);
    let services: LocalnetServices = {};
    const handle = createRpcHandler(ledgerBank, {
      info: () => (Object.keys(services).length > 0 ? { ...info, services } : info),
      airdropNos: mint,
    });
    const server = await startRpcServer({
      bank: ledgerBank,
      handle,
      port: parameters.rpcPort ?? 8899,
      ...(parameters.host ? { host: parameters.host } : {}),
      ...(parameters.maxRpcBodyBytes ? { maxBodyBytes: parameters.maxRpcBodyBytes } : {}),
      ...(parameters.onRpcCall ? { onCall: parameters.onRpcCall } : {}),
    });
    const ipfsStore = await openContentStore({ dir: join(dataDir, 'ipfs') });
    let ipfs: IpfsServer;
    try {
      ipfs = await startIpfsServer({
        store: ipfsStore,
        port: parameters.ipfsPort ?? 5001,
        ...(parameters.host ? { host: parameters.host } : {}),
        ...(parameters.maxIpfsBodyBytes ? { maxBodyBytes: parameters.maxIpfsBodyBytes } : {}),
      });
    } catch (error) {
      await server.close();
      await ipfsStore.close();
      throw error;
    }

    let savedCount = ledgerBank.transactionCount;
    const save = () => {
      ledgerBank.save(ledger);
      savedCount = ledgerBank.transactionCount;
    };
    const autosave = parameters.autosaveMs ?? 2000;
    const timer =
      autosave > 0
        ? setInterval(() => ledgerBank.transactionCount !== savedCount && save(), autosave)
        : undefined;
    timer?.unref();
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await Promise.all([server.close(), ipfs.close()]);
      await ipfsStore.close();
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
      else save();
      release();
    };
    return {
      ...info,
      rpcUrl: server.rpcUrl,
      wsUrl: server.wsUrl,
      ipfsApiUrl: ipfs.apiUrl,
      ipfsGatewayUrl: ipfs.gatewayUrl,
      ipfs: ipfsStore,
      dataDir,
      bank: ledgerBank,
      airdropNos: mint,
      save,
      announce(next) {
        services = { ...services, ...next };
      },
      setRequiredImages(market, images) {
        const found = info.markets.find((m) => m.name === market);
        if (!found)
          throw new NosanaError(
            'LOCALNET__MARKET_NOT_FOUND',
            `the localnet has no market named "${market}" — use one of ${info.markets.map((m) => m.name).join(', ')}`,
            { market, known: info.markets.map((m) => m.name) },
          );
        found.requiredImages = [...images];
        writeFileSync(infoPath, `${JSON.stringify(info, null, 2)}\n`);
      },
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    release();
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The emulated programs of a localnet. */
const emulatedPrograms = (ids: NosanaProgramIds, jobFeeFraction: number): EmulatedProgram[] => [
  createJobsProgram(ids, { feeFraction: jobFeeFraction }),
  createStakingProgram(ids),
  createRewardsProgram(ids),
  createPoolsProgram(ids),
];

/**
 * The data directory's ledger and genesis facts: loaded when present (with the program set and job fee fraction it
 * was created with), else created; the programs' IDL accounts are rewritten either way, and a ledger saved before
 * the rewards pool existed gets it.
 */
async function openLedger(dataDir: string, parameters: StartLocalnetParameters) {
  const programSet = parameters.programs ?? 'mainnet';
  const ids = getProgramIds(programSet);
  const settings = genesisSettings(parameters);
  const ledger = join(dataDir, 'ledger');
  const infoPath = join(dataDir, 'localnet.json');
  if (parameters.reset)
    for (const file of ['ledger.svm', 'ledger.json', 'localnet.json'])
      rmSync(join(dataDir, file), { force: true });
  const bankOptions = (jobFeeFraction: number) => ({
    programs: emulatedPrograms(ids, jobFeeFraction),
    ...(parameters.now ? { now: parameters.now } : {}),
  });
  const saved = existsSync(infoPath)
    ? (JSON.parse(readFileSync(infoPath, 'utf8')) as Partial<LocalnetInfo>)
    : undefined;
  let bank = Bank.load(ledger, bankOptions(saved?.jobFeeFraction ?? 0));
  let info: LocalnetInfo;
  if (bank) {
    info = (saved ?? JSON.parse(readFileSync(infoPath, 'utf8'))) as LocalnetInfo;
    if (info.programSet !== programSet) {
      throw new NosanaError(
        'LOCALNET__ALREADY_RUNNING',
        `the localnet in ${dataDir} was created with ${info.programSet} program ids, not ${programSet} — start it with --programs ${info.programSet} or --reset`,
        { dataDir, pid: process.pid },
      );
    }
    if (info.rewardsPool === undefined || info.jobFeeFraction === undefined) {
      // Saved before the Rewards and Pools programs were emulated: no fee then, and the pool starts now.
      info.rewardsPool ??= upgradeRewardsGenesis(bank, ids, settings);
      info.jobFeeFraction ??= 0;
      writeFileSync(infoPath, `${JSON.stringify(info, null, 2)}\n`);
    }
  } else {
    bank = Bank.create(bankOptions(settings.jobFeeFraction));
    info = createGenesis(bank, programSet, settings);
    writeFileSync(infoPath, `${JSON.stringify(info, null, 2)}\n`);
  }
  // Rewritten on every start, so ledgers saved before the IDL accounts existed get them too.
  await writeIdlAccounts({ bank, ids });
  bank.save(ledger);
  return { bank, info, ids, ledger, infoPath };
}

/**
 * Takes the data directory with an exclusive pid file; fails when a live process (this one included) holds it,
 * takes over a stale one. Returns the release function.
 */
function lockDataDir(dataDir: string): () => void {
  const pidFile = join(dataDir, 'localnet.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(pidFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(pidFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(pidFile, 'utf8'));
      if (pid && isAlive(pid)) {
        throw new NosanaError(
          'LOCALNET__ALREADY_RUNNING',
          `a localnet (pid ${pid}) already uses ${dataDir} — stop it (nosana localnet stop) or use another --data-dir`,
          { dataDir, pid },
        );
      }
      rmSync(pidFile, { force: true });
    }
  }
  throw new NosanaError('LOCALNET__ALREADY_RUNNING', `could not take ${dataDir}`, { dataDir, pid: 0 });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
