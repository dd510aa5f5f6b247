/**
 * Builders of the Jobs instructions a host (node) sends; see `builders.ts` (and `staking-builders.ts` for the
 * Staking program).
 * Pure: no I/O.
 */
import { type PublicKey, SystemProgram, type TransactionInstruction } from '@solana/web3.js';
import { idsOf, nosTokenAddress, vaultOf, type WithProgramIds } from './builders.js';
import type { NosanaProgramIds } from './ids.js';
import { jobsInstruction } from './instructions.js';
import { stakeAddress } from './pda.js';

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
