import { getAssociatedTokenAddressSync } from '@solana/spl-token';
import { Keypair, type PublicKey, SystemProgram, type TransactionInstruction } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import {
  assignJobInstruction,
  closeMarketInstruction,
  delistJobInstruction,
  endJobInstruction,
  extendJobInstruction,
  listJobInstruction,
  nosTokenAddress,
  openMarketInstruction,
  recoverJobInstruction,
  updateMarketInstruction,
} from './builders.js';
import { JobType, NODE_STAKE } from './constants.js';
import {
  claimJobInstruction,
  cleanJobInstruction,
  completeJobInstruction,
  finishJobInstruction,
  quitJobInstruction,
  stopWorkInstruction,
  workInstruction,
} from './host-builders.js';
import { NOSANA_JOBS_IDL, NOSANA_STAKING_IDL } from './idl.js';
import { getProgramIds } from './ids.js';
import { decodeInstruction } from './instructions.js';
import {
  marketVaultAddress,
  rewardAddress,
  rewardsReflectionAddress,
  rewardsVaultAddress,
  stakeAddress,
  stakeVaultAddress,
} from './pda.js';
import {
  closeStakeInstruction,
  extendStakeInstruction,
  restakeInstruction,
  stakeInstruction,
  topupStakeInstruction,
  unstakeInstruction,
  withdrawStakeInstruction,
} from './staking-builders.js';

const ids = getProgramIds('devnet');
const key = () => Keypair.generate().publicKey;
const ata = (owner: PublicKey) => getAssociatedTokenAddressSync(ids.nosMint, owner, true);
const TOKEN = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';

/** The instruction's accounts by IDL name (camelCase), as base58. */
function named(ix: TransactionInstruction, idl: typeof NOSANA_JOBS_IDL | typeof NOSANA_STAKING_IDL) {
  const { accounts } = decodeInstruction(idl, ix.data);
  return Object.fromEntries(accounts.map((name, i) => [name, ix.keys[i]!.pubkey.toBase58()]));
}
const b58 = (entries: Record<string, PublicKey | string>) =>
  Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, typeof v === 'string' ? v : v.toBase58()]));

describe('instruction builders derive every PDA and fixed account', () => {
  const market = key();
  const poster = key();
  const node = key();
  const job = key();
  const run = key();
  const vault = marketVaultAddress(market, ids).address;
  const rewards = {
    rewardsReflection: rewardsReflectionAddress(ids).address,
    rewardsVault: rewardsVaultAddress(ids).address,
    rewardsProgram: ids.rewards,
  };

  it('list and assign: the poster pays from its NOS account into the market vault, with the Rewards accounts', () => {
    const ipfsJob = new Uint8Array(32).fill(3);
    const list = listJobInstruction({ market, poster, job, run, ipfsJob, timeout: 600, ids });
    expect(list.programId.equals(ids.jobs)).toBe(true);
    const expected = {
      job,
      market,
      run,
      user: ata(poster),
      vault,
      payer: poster,
      ...rewards,
      authority: poster,
      tokenProgram: TOKEN,
      systemProgram: SystemProgram.programId,
    };
    expect(named(list, NOSANA_JOBS_IDL)).toEqual(b58(expected));
    expect(decodeInstruction(NOSANA_JOBS_IDL, list.data)).toMatchObject({
      name: 'list',
      args: { ipfsJob, timeout: 600n },
    });
    const signers = new Set(list.keys.filter((k) => k.isSigner).map((k) => k.pubkey.toBase58()));
    expect([...signers].sort()).toEqual([job, run, poster].map((k) => k.toBase58()).sort());

    const assign = assignJobInstruction({ market, poster, node, job, run, ipfsJob, timeout: 600, ids });
    expect(named(assign, NOSANA_JOBS_IDL)).toEqual(b58({ ...expected, node }));
  });

  it('the other poster instructions: delist, recover, extend, end', () => {
    const payer = key();
    expect(
      named(delistJobInstruction({ job, market, payer, authority: poster, ids }), NOSANA_JOBS_IDL),
    ).toEqual(
      b58({ job, market, deposit: ata(payer), payer, vault, tokenProgram: TOKEN, authority: poster }),
    );
    expect(
      named(recoverJobInstruction({ job, market, payer, authority: poster, ids }), NOSANA_JOBS_IDL),
    ).toEqual(b58({ job, market, vault, user: ata(poster), payer, authority: poster, tokenProgram: TOKEN }));
    const extend = extendJobInstruction({ job, market, authority: poster, timeout: 900, ids });
    expect(named(extend, NOSANA_JOBS_IDL)).toEqual(
      b58({
        job,
        market,
        user: ata(poster),
        vault,
        rewardsReflection: rewards.rewardsReflection,
        rewardsVault: rewards.rewardsVault,
        authority: poster,
        payer: poster,
        rewardsProgram: ids.rewards,
        tokenProgram: TOKEN,
      }),
    );
    expect(decodeInstruction(NOSANA_JOBS_IDL, extend.data).args).toEqual({ timeout: 900n });
    const runPayer = key();
    expect(
      named(
        endJobInstruction({ job, market, run, node, jobPayer: payer, runPayer, authority: poster, ids }),
        NOSANA_JOBS_IDL,
      ),
    ).toEqual(
      b58({
        job,
        market,
        run,
        deposit: ata(payer),
        user: ata(node),
        vault,
        payer: runPayer,
        authority: poster,
        tokenProgram: TOKEN,
      }),
    );
  });

  it('market authority instructions: open (open access by default), update, close', () => {
    const authority = key();
    const settings = {
      jobExpiration: 86_400,
      jobPrice: 100n,
      jobTimeout: 3600,
      jobType: JobType.Gpu,
      nodeStakeMinimum: 5n,
    };
    const open = openMarketInstruction({ market, authority, ...settings, ids });
    expect(named(open, NOSANA_JOBS_IDL)).toMatchObject(
      b58({ mint: ids.nosMint, market, vault, authority, accessKey: SystemProgram.programId }),
    );
    expect(decodeInstruction(NOSANA_JOBS_IDL, open.data).args).toEqual({
      jobExpiration: 86_400n,
      jobPrice: 100n,
      jobTimeout: 3600n,
      jobType: JobType.Gpu,
      nodeXnosMinimum: 5n,
    });
    const accessKey = key();
    const update = updateMarketInstruction({ market, authority, ...settings, nodeAccessKey: accessKey, ids });
    expect(named(update, NOSANA_JOBS_IDL)).toEqual(b58({ market, accessKey, authority }));
    expect(named(closeMarketInstruction({ market, authority, ids }), NOSANA_JOBS_IDL)).toEqual(
      b58({ market, vault, user: ata(authority), authority, tokenProgram: TOKEN }),
    );
  });

  it('node instructions: work and claim use its stake PDA and NOS account; finish pays node and payer accounts', () => {
    const access = {
      stake: stakeAddress(node, ids).address,
      nft: ata(node),
      metadata: SystemProgram.programId,
    };
    expect(named(workInstruction({ market, node, run, ids }), NOSANA_JOBS_IDL)).toEqual(
      b58({ run, market, payer: node, ...access, authority: node, systemProgram: SystemProgram.programId }),
    );
    expect(named(claimJobInstruction({ job, market, node, run, ids }), NOSANA_JOBS_IDL)).toEqual(
      b58({
        job,
        run,
        market,
        ...access,
        payer: node,
        authority: node,
        systemProgram: SystemProgram.programId,
      }),
    );
    expect(named(stopWorkInstruction({ market, node, ids }), NOSANA_JOBS_IDL)).toEqual(
      b58({ market, node, authority: node }),
    );
    const jobPayer = key();
    const runPayer = key();
    const ipfsResult = new Uint8Array(32).fill(9);
    const finish = finishJobInstruction({ job, run, market, node, jobPayer, runPayer, ipfsResult, ids });
    expect(named(finish, NOSANA_JOBS_IDL)).toEqual(
      b58({
        job,
        run,
        market,
        vault,
        deposit: ata(jobPayer),
        user: ata(node),
        payerRun: runPayer,
        payerJob: jobPayer,
        authority: node,
        tokenProgram: TOKEN,
      }),
    );
    expect(decodeInstruction(NOSANA_JOBS_IDL, finish.data).args).toEqual({ ipfsResult });
    expect(named(completeJobInstruction({ job, node, ipfsResult, ids }), NOSANA_JOBS_IDL)).toEqual(
      b58({ job, authority: node }),
    );
    expect(named(quitJobInstruction({ job, run, runPayer, node, ids }), NOSANA_JOBS_IDL)).toEqual(
      b58({ job, run, payer: runPayer, authority: node }),
    );
    expect(named(cleanJobInstruction({ job, market, payer: jobPayer, ids }), NOSANA_JOBS_IDL)).toEqual(
      b58({ job, market, payer: jobPayer }),
    );
  });

  it('staking: stake defaults to the node stake (0 NOS, 14 days); topup, extend and unstake', () => {
    const stake = stakeInstruction({ authority: node, ids });
    expect(stake.programId.equals(ids.staking)).toBe(true);
    expect(named(stake, NOSANA_STAKING_IDL)).toMatchObject(
      b58({
        mint: ids.nosMint,
        user: ata(node),
        vault: stakeVaultAddress(node, ids).address,
        stake: stakeAddress(node, ids).address,
        authority: node,
      }),
    );
    expect(decodeInstruction(NOSANA_STAKING_IDL, stake.data).args).toEqual({
      amount: BigInt(NODE_STAKE.amount),
      duration: BigInt(NODE_STAKE.durationSeconds),
    });
    expect(NODE_STAKE.durationSeconds).toBe(14 * 86_400);
    expect(named(topupStakeInstruction({ authority: node, amount: 5n, ids }), NOSANA_STAKING_IDL)).toEqual(
      b58({
        user: ata(node),
        vault: stakeVaultAddress(node, ids).address,
        stake: stakeAddress(node, ids).address,
        authority: node,
        tokenProgram: TOKEN,
      }),
    );
    expect(
      named(extendStakeInstruction({ authority: node, durationSeconds: 60, ids }), NOSANA_STAKING_IDL),
    ).toEqual(b58({ stake: stakeAddress(node, ids).address, authority: node }));
    expect(named(unstakeInstruction({ authority: node, ids }), NOSANA_STAKING_IDL)).toEqual(
      b58({
        stake: stakeAddress(node, ids).address,
        reward: rewardAddress(node, ids).address,
        authority: node,
      }),
    );
  });

  it('staking: restake, withdraw and close derive the vault, the stake and the NOS account', () => {
    const stake = stakeAddress(node, ids).address;
    const vault = stakeVaultAddress(node, ids).address;
    expect(named(restakeInstruction({ authority: node, ids }), NOSANA_STAKING_IDL)).toEqual(
      b58({ vault, stake, authority: node }),
    );
    expect(named(withdrawStakeInstruction({ authority: node, ids }), NOSANA_STAKING_IDL)).toEqual(
      b58({ user: ata(node), vault, stake, authority: node, tokenProgram: TOKEN }),
    );
    const close = closeStakeInstruction({ authority: node, ids });
    expect(close.programId.equals(ids.staking)).toBe(true);
    expect(named(close, NOSANA_STAKING_IDL)).toEqual(
      b58({ user: ata(node), stake, vault, authority: node, tokenProgram: TOKEN }),
    );
    expect(decodeInstruction(NOSANA_STAKING_IDL, close.data).name).toBe('close');
  });

  it('defaults to the mainnet program set and derives NOS accounts of PDA owners', () => {
    const mainnet = getProgramIds('mainnet');
    const ix = listJobInstruction({ market, poster, job, run, ipfsJob: new Uint8Array(32), timeout: 1 });
    expect(ix.programId.equals(mainnet.jobs)).toBe(true);
    expect(named(ix, NOSANA_JOBS_IDL).vault).toBe(marketVaultAddress(market, mainnet).address.toBase58());
    const pda = marketVaultAddress(market, ids).address; // off the curve
    expect(nosTokenAddress(pda, ids).equals(getAssociatedTokenAddressSync(ids.nosMint, pda, true))).toBe(
      true,
    );
  });
});
