/**
 * The invariants the scale harness checks after each run: every job ran and finished exactly once, on chain as the
 * nodes reported it, and NOS moved by exactly what the chain billed. A broken one throws, naming jobs and accounts.
 */
import type { MarketView, NosanaClient } from '@nosana/chain';
import { isNosanaError } from '@nosana/core';
import type { Localnet } from '@nosana/localnet';
import { getAssociatedTokenAddressSync } from '@solana/spl-token';
import { type Keypair, PublicKey } from '@solana/web3.js';
import { holdingChanges, nosHoldings } from '../src/helpers/escrow.js';

/** The market's queue had no room for one more job (refused by the client's check, or by the program on a race). */
export const queueIsFull = (error: unknown) => isNosanaError(error, 'CHAIN__MARKET_QUEUE_FULL');

/** Every listed job started once, ran one container, finished once, successfully; nothing else ran. */
export function checkOnce(
  listed: Map<string, unknown>,
  started: Map<string, { times: number }>,
  finished: Map<string, { times: number; status: string }>,
  created: Map<string, number>,
): void {
  const problems: string[] = [];
  for (const job of listed.keys()) {
    const s = started.get(job)?.times ?? 0;
    const f = finished.get(job);
    const c = created.get(job) ?? 0;
    if (s !== 1) problems.push(`${job} started ${s} times`);
    if (c !== 1) problems.push(`${job} ran ${c} containers`);
    if (f?.times !== 1) problems.push(`${job} finished ${f?.times ?? 0} times`);
    else if (f.status !== 'success') problems.push(`${job} finished ${f.status}`);
  }
  for (const job of new Set([...started.keys(), ...finished.keys(), ...created.keys()]))
    if (!listed.has(job)) problems.push(`${job} ran but was never listed by this run`);
  if (problems.length > 0)
    throw new Error(`${problems.length} invariant failures: ${problems.slice(0, 10).join('; ')}`);
}

/** Inputs of {@link checkSettlement}. */
export interface CheckSettlementParameters {
  localnet: Localnet;
  posters: NosanaClient[];
  keys: Keypair[];
  market: MarketView;
  listed: Map<string, { client: number }>;
  finished: Map<string, { host: string }>;
  /** NOS holdings before the first post. */
  before: Map<string, bigint>;
  jobs: number;
}

/**
 * On chain: the market holds exactly the posted jobs, each COMPLETED with a result by the host that ran it; every
 * NOS token account moved by exactly what the chain billed (poster −, host +, vault back where it was, nothing else)
 * and the supply is unchanged.
 */
export async function checkSettlement(c: CheckSettlementParameters): Promise<void> {
  const views = await c.posters[0]!.jobs.list({ market: c.market.address });
  const hostOf = new Map(c.keys.map((k) => [k.publicKey.toBase58(), k.publicKey]));
  const ata = (owner: PublicKey) =>
    getAssociatedTokenAddressSync(new PublicKey(c.localnet.mint), owner, true).toBase58();
  const expected: Record<string, bigint> = {};
  for (const view of views) {
    const job = view.address.toBase58();
    const mine = c.listed.get(job);
    if (!mine) throw new Error(`job ${job} on the market was not posted by this run`);
    const ran = c.finished.get(job)!;
    if (view.state !== 'COMPLETED' || view.result === null)
      throw new Error(`job ${job} is ${view.state} on chain, result ${view.result}`);
    if (view.node?.toBase58() !== ran.host)
      throw new Error(`job ${job} was finished on chain by ${view.node?.toBase58()}, ran on ${ran.host}`);
    const billed = view.price * BigInt(Math.min(view.timeEnd - view.timeStart, view.timeout));
    if (billed === 0n) continue;
    const poster = ata(c.posters[mine.client]!.address());
    const host = ata(hostOf.get(ran.host)!);
    expected[poster] = (expected[poster] ?? 0n) - billed;
    expected[host] = (expected[host] ?? 0n) + billed;
  }
  if (views.length !== c.jobs) throw new Error(`${views.length} jobs on the market, ${c.jobs} posted`);
  const after = nosHoldings(c.localnet);
  const changes = holdingChanges(c.before, after);
  const vault = c.market.vault.toBase58();
  const wrong = [...new Set([...Object.keys(changes), ...Object.keys(expected)])].filter(
    (a) => (changes[a] ?? 0n) !== (expected[a] ?? 0n),
  );
  if (wrong.length > 0)
    throw new Error(
      `escrow not conserved: ${wrong
        .slice(0, 5)
        .map(
          (a) =>
            `${a}${a === vault ? ' (vault)' : ''} moved ${changes[a] ?? 0n}, expected ${expected[a] ?? 0n}`,
        )
        .join('; ')}`,
    );
  const total = (m: Map<string, bigint>) => [...m.values()].reduce((s, v) => s + v, 0n);
  if (total(after) !== total(c.before)) throw new Error('NOS supply changed during the run');
}
