import { statfs } from 'node:fs/promises';
import type { MarketView } from '@nosana/chain';
import { formatNos, NosanaError } from '@nosana/core';
import type { ContainerEngine, DetectGpusResult } from '@nosana/runtime';
import { PublicKey, SystemProgram } from '@solana/web3.js';
import type { ChainPort } from './chain-port.js';
import './errors.js';

/** One start-up check and its outcome. */
export interface CheckResult {
  name: 'engine' | 'gpu' | 'disk' | 'wallet' | 'stake' | 'market';
  ok: boolean;
  detail: string;
}

/** Parameters of {@link runStartupChecks}. */
export interface StartupChecksParameters {
  chain: ChainPort;
  engine: ContainerEngine;
  market: string;
  gpus: DetectGpusResult;
  /** Directory whose free space is checked (where images and volumes live). */
  diskPath?: string;
  /** Minimum free disk in bytes. Default 10 GiB. */
  minDiskBytes?: number;
  /** Minimum SOL (lamports) for fees and rent. Default 0.005 SOL. */
  minLamports?: bigint;
  onCheck?: (result: CheckResult) => void;
}

/** What the checks found out that the node needs afterwards. */
export interface StartupChecksResult {
  checks: CheckResult[];
  market: MarketView;
}

/**
 * The checks a node runs before it joins a market: the container engine answers, GPUs (or a CPU market), disk
 * space, SOL for fees, the stake account (created when missing, as the real node does), the market exists. The
 * first failing check throws `NODE__CHECK_FAILED` saying what to do.
 *
 * @example
 * ```ts
 * const { market } = await runStartupChecks({ chain, engine, market: 'cpu', gpus: await detectGpus() });
 * ```
 */
export async function runStartupChecks({
  chain,
  engine,
  market: marketRef,
  gpus,
  diskPath = '/',
  minDiskBytes = 10 * 1024 ** 3,
  minLamports = 5_000_000n,
  onCheck,
}: StartupChecksParameters): Promise<StartupChecksResult> {
  const checks: CheckResult[] = [];
  const record = (result: CheckResult) => {
    checks.push(result);
    onCheck?.(result);
    if (!result.ok)
      throw new NosanaError(
        'NODE__CHECK_FAILED',
        `start-up check "${result.name}" failed: ${result.detail}`,
        { check: result.name, detail: result.detail },
      );
  };

  const info = await engine.info().catch((error: Error) =>
    record({
      name: 'engine',
      ok: false,
      detail: `${error.message} — start Docker (bash scripts/docker-up) or Podman`,
    }),
  );
  if (info)
    record({ name: 'engine', ok: true, detail: `${info.kind} ${info.version} (API ${info.apiVersion})` });

  let market: MarketView;
  try {
    market = await chain.getMarket(marketRef);
  } catch (error) {
    record({ name: 'market', ok: false, detail: (error as Error).message });
    throw error;
  }
  const gpuMarket = market.jobType === 4;
  if (gpus.gpus.length > 0) {
    record({
      name: 'gpu',
      ok: true,
      detail:
        gpus.gpus.map((g) => `${g.index}: ${g.name} (${g.memoryMiB ?? '?'} MiB)`).join(', ') +
        (gpus.cudaVersion ? `, CUDA ${gpus.cudaVersion}` : ''),
    });
  } else {
    record({
      name: 'gpu',
      ok: !gpuMarket,
      detail: gpuMarket
        ? `no GPU (${gpus.reason ?? 'none found'}) but ${market.name ?? market.address.toBase58()} is a GPU market — install the NVIDIA driver and container toolkit, or choose a CPU market`
        : `no GPU (${gpus.reason ?? 'none found'}): fine for the CPU market`,
    });
  }

  const disk = await statfs(diskPath);
  const free = disk.bavail * disk.bsize;
  record({
    name: 'disk',
    ok: free >= minDiskBytes,
    detail: `${(free / 1024 ** 3).toFixed(1)} GiB free on ${diskPath}${free >= minDiskBytes ? '' : ` — at least ${(minDiskBytes / 1024 ** 3).toFixed(0)} GiB are needed for images and volumes`}`,
  });

  const { sol, nos } = await chain.balances();
  record({
    name: 'wallet',
    ok: sol >= minLamports,
    detail: `${(Number(sol) / 1e9).toFixed(4)} SOL, ${formatNos(nos)} NOS${sol >= minLamports ? '' : ` — needs at least ${Number(minLamports) / 1e9} SOL for fees${chain.network === 'localnet' ? ' (nosana wallet airdrop)' : ''}`}`,
  });

  const prepared = await chain.prepare();
  const stake = await chain.stake();
  const enough = (stake?.xnos ?? 0n) >= market.nodeXnosMinimum;
  record({
    name: 'stake',
    ok: stake !== null && enough,
    detail: `${prepared.createdStake ? 'created a stake account (0 NOS, 14 days); ' : ''}xNOS ${formatNos(stake?.xnos ?? 0n)}${enough ? '' : `, the market requires ${formatNos(market.nodeXnosMinimum)} — stake more NOS`}`,
  });
  // Markets gated by an NFT collection need the access key's token and Metaplex metadata in `work`/`claim`.
  const gated =
    !market.nodeAccessKey.equals(SystemProgram.programId) && !market.nodeAccessKey.equals(PublicKey.default);
  record({
    name: 'market',
    ok: !gated,
    detail: gated
      ? `${market.name ?? market.address.toBase58()} admits only holders of an NFT of collection ${market.nodeAccessKey.toBase58()}; this node does not present access keys yet — choose an open market`
      : `${market.name ?? market.address.toBase58()}: ${formatNos(market.jobPrice)} NOS/s, queue ${market.queueKind} (${market.queue.length})`,
  });
  return { checks, market };
}
