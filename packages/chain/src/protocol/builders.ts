/**
 * One builder per Jobs and Staking instruction, taking only what the caller chooses (the market, the signers,
 * the new accounts, the arguments) and deriving every other account: PDAs (market vault, stake, stake vault,
 * rewards reflection and vault), NOS token accounts (associated token accounts of the NOS mint) and fixed
 * accounts. The client, the localnet's tests and the benchmarks build instructions with these, so the account
 * set of an instruction is written down once. Pure: no I/O.
 */
import { PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { getProgramIds, type NosanaProgramIds, SYSTEM_PROGRAM_ADDRESS } from './ids.js';
import { jobsInstruction } from './instructions.js';
import { marketVaultAddress, rewardsReflectionAddress, rewardsVaultAddress } from './pda.js';
import { associatedTokenAddress } from './token.js';

/** The program set the builders derive with; default the mainnet ids. */
export interface WithProgramIds {
  ids?: NosanaProgramIds;
}

/**
 * The NOS associated token account of `owner` (PDA owners allowed).
 *
 * @example
 * ```ts
 * const account = nosTokenAddress(wallet.publicKey, ids);
 * ```
 */
export function nosTokenAddress(owner: PublicKey, ids: NosanaProgramIds = getProgramIds()): PublicKey {
  return associatedTokenAddress(ids.nosMint, owner);
}

/** The ids given, or the mainnet ones. */
export const idsOf = (p: WithProgramIds) => p.ids ?? getProgramIds();
/** The market's NOS vault PDA. */
export const vaultOf = (market: PublicKey, ids: NosanaProgramIds) => marketVaultAddress(market, ids).address;
const rewards = (ids: NosanaProgramIds) => ({
  rewardsReflection: rewardsReflectionAddress(ids).address,
  rewardsVault: rewardsVaultAddress(ids).address,
  rewardsProgram: ids.rewards,
});
/** The access key of an open market (any node may work): the system program. */
const OPEN_ACCESS = new PublicKey(SYSTEM_PROGRAM_ADDRESS);

/** Market settings as the program's `open` and `update` take them. */
export interface MarketInstructionSettings {
  jobExpiration: number | bigint;
  jobPrice: number | bigint;
  jobTimeout: number | bigint;
  jobType: number;
  nodeStakeMinimum: number | bigint;
  /** Collection a node's access NFT must belong to; default open to all (the system program). */
  nodeAccessKey?: PublicKey;
}

/**
 * `open`: a new market (a fresh keypair, signer) with `authority` as its authority and its NOS vault PDA.
 *
 * @example
 * ```ts
 * const ix = openMarketInstruction({ market: market.publicKey, authority, jobExpiration: 86_400, jobPrice: 100n, jobTimeout: 3600, jobType: JobType.Default, nodeStakeMinimum: 0n, ids });
 * ```
 */
export function openMarketInstruction(
  p: { market: PublicKey; authority: PublicKey } & MarketInstructionSettings & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return jobsInstruction(
    'open',
    {
      mint: ids.nosMint,
      market: p.market,
      vault: vaultOf(p.market, ids),
      authority: p.authority,
      accessKey: p.nodeAccessKey ?? OPEN_ACCESS,
    },
    {
      jobExpiration: p.jobExpiration,
      jobPrice: p.jobPrice,
      jobTimeout: p.jobTimeout,
      jobType: p.jobType,
      nodeXnosMinimum: p.nodeStakeMinimum,
    },
    ids.jobs,
  );
}

/**
 * `update`: replaces every setting of a market (signed by its authority).
 *
 * @example
 * ```ts
 * const ix = updateMarketInstruction({ market, authority, jobExpiration: 86_400, jobPrice: 150n, jobTimeout: 3600, jobType: 0, nodeStakeMinimum: 0n, ids });
 * ```
 */
export function updateMarketInstruction(
  p: { market: PublicKey; authority: PublicKey } & MarketInstructionSettings & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return jobsInstruction(
    'update',
    { market: p.market, accessKey: p.nodeAccessKey ?? OPEN_ACCESS, authority: p.authority },
    {
      jobExpiration: p.jobExpiration,
      jobPrice: p.jobPrice,
      jobType: p.jobType,
      nodeStakeMinimum: p.nodeStakeMinimum,
      jobTimeout: p.jobTimeout,
    },
    ids.jobs,
  );
}

/**
 * `close`: deletes a market and sweeps its vault to the authority's NOS account.
 *
 * @example
 * ```ts
 * const ix = closeMarketInstruction({ market, authority, ids });
 * ```
 */
export function closeMarketInstruction(
  p: { market: PublicKey; authority: PublicKey } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return jobsInstruction(
    'close',
    {
      market: p.market,
      vault: vaultOf(p.market, ids),
      user: nosTokenAddress(p.authority, ids),
      authority: p.authority,
    },
    {},
    ids.jobs,
  );
}

/** What `list` and `assign` take: the new job and run accounts (signers), the poster, the definition and timeout. */
export interface ListJobInstructionParameters extends WithProgramIds {
  market: PublicKey;
  /** Signs, pays the deposit from its NOS account and the rent. */
  poster: PublicKey;
  job: PublicKey;
  run: PublicKey;
  /** The job definition's CIDv0 digest (`cidToBytes32`). */
  ipfsJob: Uint8Array;
  /** Seconds. */
  timeout: number | bigint;
}

const listAccounts = (p: ListJobInstructionParameters, ids: NosanaProgramIds) => ({
  job: p.job,
  market: p.market,
  run: p.run,
  user: nosTokenAddress(p.poster, ids),
  vault: vaultOf(p.market, ids),
  payer: p.poster,
  authority: p.poster,
  ...rewards(ids),
});

/**
 * `list`: posts a job in a market with its deposit (`price × timeout` into the market vault).
 *
 * @example
 * ```ts
 * const ix = listJobInstruction({ market, poster, job: job.publicKey, run: run.publicKey, ipfsJob: cidToBytes32(cid), timeout: 600, ids });
 * ```
 */
export function listJobInstruction(p: ListJobInstructionParameters): TransactionInstruction {
  const ids = idsOf(p);
  return jobsInstruction('list', listAccounts(p, ids), { ipfsJob: p.ipfsJob, timeout: p.timeout }, ids.jobs);
}

/**
 * `assign`: posts a job straight to `node`, which must be waiting in the market queue.
 *
 * @example
 * ```ts
 * const ix = assignJobInstruction({ market, poster, node, job: job.publicKey, run: run.publicKey, ipfsJob, timeout: 600, ids });
 * ```
 */
export function assignJobInstruction(
  p: ListJobInstructionParameters & { node: PublicKey },
): TransactionInstruction {
  const ids = idsOf(p);
  return jobsInstruction(
    'assign',
    { ...listAccounts(p, ids), node: p.node },
    { ipfsJob: p.ipfsJob, timeout: p.timeout },
    ids.jobs,
  );
}

/**
 * `delist`: removes a queued job; its deposit goes back to the payer's NOS account.
 *
 * @example
 * ```ts
 * const ix = delistJobInstruction({ job, market, payer, authority: poster, ids });
 * ```
 */
export function delistJobInstruction(
  p: { job: PublicKey; market: PublicKey; payer: PublicKey; authority: PublicKey } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return jobsInstruction(
    'delist',
    {
      job: p.job,
      market: p.market,
      deposit: nosTokenAddress(p.payer, ids),
      payer: p.payer,
      vault: vaultOf(p.market, ids),
      authority: p.authority,
    },
    {},
    ids.jobs,
  );
}

/**
 * `recover`: gets the deposit of a STOPPED job back to the authority's NOS account.
 *
 * @example
 * ```ts
 * const ix = recoverJobInstruction({ job, market, payer, authority: poster, ids });
 * ```
 */
export function recoverJobInstruction(
  p: { job: PublicKey; market: PublicKey; payer: PublicKey; authority: PublicKey } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return jobsInstruction(
    'recover',
    {
      job: p.job,
      market: p.market,
      vault: vaultOf(p.market, ids),
      user: nosTokenAddress(p.authority, ids),
      payer: p.payer,
      authority: p.authority,
    },
    {},
    ids.jobs,
  );
}

/**
 * `extend`: raises a job's timeout to `timeout` (the new total), depositing the difference.
 *
 * @example
 * ```ts
 * const ix = extendJobInstruction({ job, market, authority: poster, timeout: 1200, ids });
 * ```
 */
export function extendJobInstruction(
  p: { job: PublicKey; market: PublicKey; authority: PublicKey; timeout: number | bigint } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return jobsInstruction(
    'extend',
    {
      job: p.job,
      market: p.market,
      user: nosTokenAddress(p.authority, ids),
      vault: vaultOf(p.market, ids),
      authority: p.authority,
      payer: p.authority,
      ...rewards(ids),
    },
    { timeout: p.timeout },
    ids.jobs,
  );
}

/**
 * `end`: the poster stops a running job; the node is paid for the time used, the rest refunded.
 *
 * @example
 * ```ts
 * const ix = endJobInstruction({ job, market, run, node, jobPayer, runPayer, authority: poster, ids });
 * ```
 */
export function endJobInstruction(
  p: {
    job: PublicKey;
    market: PublicKey;
    run: PublicKey;
    /** The node of the run (paid to its NOS account). */
    node: PublicKey;
    /** The job's payer (refunded to its NOS account). */
    jobPayer: PublicKey;
    /** The run's payer (gets the run's rent back). */
    runPayer: PublicKey;
    authority: PublicKey;
  } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return jobsInstruction(
    'end',
    {
      job: p.job,
      market: p.market,
      run: p.run,
      deposit: nosTokenAddress(p.jobPayer, ids),
      user: nosTokenAddress(p.node, ids),
      vault: vaultOf(p.market, ids),
      payer: p.runPayer,
      authority: p.authority,
    },
    {},
    ids.jobs,
  );
}
