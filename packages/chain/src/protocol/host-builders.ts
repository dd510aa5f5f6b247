/**
 * Builders of the Jobs instructions a host (node) sends and of the Staking instructions; see `builders.ts`.
 * Pure: no I/O.
 */
import { type PublicKey, SystemProgram, type TransactionInstruction } from '@solana/web3.js';
import { idsOf, nosTokenAddress, vaultOf, type WithProgramIds } from './builders.js';
import { NODE_STAKE } from './constants.js';
import type { NosanaProgramIds } from './ids.js';
import { jobsInstruction, stakingInstruction } from './instructions.js';
import { rewardAddress, stakeAddress, stakeVaultAddress } from './pda.js';

/** The accounts `work` and `claim` derive from the node: its stake and its NOS account as the access "NFT". */
const nodeAccess = (node: PublicKey, ids: NosanaProgramIds) => ({
  stake: stakeAddress(node, ids).address,
  nft: nosTokenAddress(node, ids),
  metadata: SystemProgram.programId,
});

/**
 * `work`: `node` enters the market queue (or takes the first queued job at once into `run`, a new signer).
 *
 * @example
 * ```ts
 * const ix = workInstruction({ market, node, run: run.publicKey, ids });
 * ```
 */
export function workInstruction(
  p: { market: PublicKey; node: PublicKey; run: PublicKey } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return jobsInstruction(
    'work',
    { run: p.run, market: p.market, payer: p.node, ...nodeAccess(p.node, ids), authority: p.node },
    {},
    ids.jobs,
  );
}

/**
 * `stop`: `node` leaves the market queue.
 *
 * @example
 * ```ts
 * const ix = stopWorkInstruction({ market, node, ids });
 * ```
 */
export function stopWorkInstruction(
  p: { market: PublicKey; node: PublicKey } & WithProgramIds,
): TransactionInstruction {
  return jobsInstruction('stop', { market: p.market, node: p.node, authority: p.node }, {}, idsOf(p).jobs);
}

/**
 * `claim`: `node` takes over a STOPPED job into `run` (a new signer).
 *
 * @example
 * ```ts
 * const ix = claimJobInstruction({ job, market, node, run: run.publicKey, ids });
 * ```
 */
export function claimJobInstruction(
  p: { job: PublicKey; market: PublicKey; node: PublicKey; run: PublicKey } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return jobsInstruction(
    'claim',
    {
      job: p.job,
      run: p.run,
      market: p.market,
      ...nodeAccess(p.node, ids),
      payer: p.node,
      authority: p.node,
    },
    {},
    ids.jobs,
  );
}

/**
 * `finish`: the node posts the result of its run and is paid; the rest goes back to the job's payer.
 *
 * @example
 * ```ts
 * const ix = finishJobInstruction({ job, run, market, node, jobPayer, runPayer, ipfsResult: cidToBytes32(result), ids });
 * ```
 */
export function finishJobInstruction(
  p: {
    job: PublicKey;
    run: PublicKey;
    market: PublicKey;
    node: PublicKey;
    jobPayer: PublicKey;
    runPayer: PublicKey;
    ipfsResult: Uint8Array;
  } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return jobsInstruction(
    'finish',
    {
      job: p.job,
      run: p.run,
      market: p.market,
      vault: vaultOf(p.market, ids),
      deposit: nosTokenAddress(p.jobPayer, ids),
      user: nosTokenAddress(p.node, ids),
      payerRun: p.runPayer,
      payerJob: p.jobPayer,
      authority: p.node,
    },
    { ipfsResult: p.ipfsResult },
    ids.jobs,
  );
}

/**
 * `complete`: the node posts results for a job its poster ended.
 *
 * @example
 * ```ts
 * const ix = completeJobInstruction({ job, node, ipfsResult, ids });
 * ```
 */
export function completeJobInstruction(
  p: { job: PublicKey; node: PublicKey; ipfsResult: Uint8Array } & WithProgramIds,
): TransactionInstruction {
  return jobsInstruction(
    'complete',
    { job: p.job, authority: p.node },
    { ipfsResult: p.ipfsResult },
    idsOf(p).jobs,
  );
}

/**
 * `quit`: the node gives a run up (job STOPPED, no payment).
 *
 * @example
 * ```ts
 * const ix = quitJobInstruction({ job, run, runPayer, node, ids });
 * ```
 */
export function quitJobInstruction(
  p: { job: PublicKey; run: PublicKey; runPayer: PublicKey; node: PublicKey } & WithProgramIds,
): TransactionInstruction {
  return jobsInstruction(
    'quit',
    { job: p.job, run: p.run, payer: p.runPayer, authority: p.node },
    {},
    idsOf(p).jobs,
  );
}

/**
 * `clean`: closes a completed job after the market's expiration; its rent goes to `payer`.
 *
 * @example
 * ```ts
 * const ix = cleanJobInstruction({ job, market, payer, ids });
 * ```
 */
export function cleanJobInstruction(
  p: { job: PublicKey; market: PublicKey; payer: PublicKey } & WithProgramIds,
): TransactionInstruction {
  return jobsInstruction('clean', { job: p.job, market: p.market, payer: p.payer }, {}, idsOf(p).jobs);
}

/**
 * Staking `stake`: creates `authority`'s stake (its PDA and token vault) from its NOS account. Default the
 * node's stake: 0 NOS for 14 days, as the real node software creates before it works.
 *
 * @example
 * ```ts
 * const ix = stakeInstruction({ authority: node, ids });
 * ```
 */
export function stakeInstruction(
  p: { authority: PublicKey; amount?: number | bigint; durationSeconds?: number | bigint } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return stakingInstruction(
    'stake',
    {
      mint: ids.nosMint,
      user: nosTokenAddress(p.authority, ids),
      vault: stakeVaultAddress(p.authority, ids).address,
      stake: stakeAddress(p.authority, ids).address,
      authority: p.authority,
    },
    { amount: p.amount ?? NODE_STAKE.amount, duration: p.durationSeconds ?? NODE_STAKE.durationSeconds },
    ids.staking,
  );
}

/**
 * Staking `topup`: adds NOS to `authority`'s stake.
 *
 * @example
 * ```ts
 * const ix = topupStakeInstruction({ authority, amount: 1_000_000n, ids });
 * ```
 */
export function topupStakeInstruction(
  p: { authority: PublicKey; amount: number | bigint } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return stakingInstruction(
    'topup',
    {
      user: nosTokenAddress(p.authority, ids),
      vault: stakeVaultAddress(p.authority, ids).address,
      stake: stakeAddress(p.authority, ids).address,
      authority: p.authority,
    },
    { amount: p.amount },
    ids.staking,
  );
}

/**
 * Staking `extend`: lengthens `authority`'s stake lock by `durationSeconds`.
 *
 * @example
 * ```ts
 * const ix = extendStakeInstruction({ authority, durationSeconds: 86_400, ids });
 * ```
 */
export function extendStakeInstruction(
  p: { authority: PublicKey; durationSeconds: number | bigint } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return stakingInstruction(
    'extend',
    { stake: stakeAddress(p.authority, ids).address, authority: p.authority },
    { duration: p.durationSeconds },
    ids.staking,
  );
}

/**
 * Staking `unstake`: starts the unlock of `authority`'s stake (its Rewards account is checked).
 *
 * @example
 * ```ts
 * const ix = unstakeInstruction({ authority, ids });
 * ```
 */
export function unstakeInstruction(p: { authority: PublicKey } & WithProgramIds): TransactionInstruction {
  const ids = idsOf(p);
  return stakingInstruction(
    'unstake',
    {
      stake: stakeAddress(p.authority, ids).address,
      reward: rewardAddress(p.authority, ids).address,
      authority: p.authority,
    },
    {},
    ids.staking,
  );
}
