/**
 * The market instructions of the emulated Jobs program: `open`, `update`, `close`, `close_admin`, and the node
 * queue (`work`, `stop`).
 */

import type { MarketAccount } from '@nosana/chain';
import { ACCOUNT_SPACE, JobType, QueueType } from '@nosana/chain';
import {
  createCloseAccountInstruction,
  createInitializeAccount3Instruction,
  createTransferInstruction,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token';
import { PublicKey, SYSVAR_RENT_PUBKEY, SystemProgram } from '@solana/web3.js';
import { commonError, ensure, expectSysvar, frameworkError, initAccount, jobsError } from './anchor.js';
import {
  addToQueue,
  asBigInt,
  type JobsInstruction,
  popFromQueue,
  removeFromQueue,
} from './jobs-instruction.js';

/** Handlers of the market instructions, by IDL name. */
export const marketHandlers = {
  open(x: JobsInstruction) {
    const authority = x.signer('authority');
    x.mut('authority');
    ensure(x.key('mint').equals(x.ids.nosMint), () => commonError('InvalidMint', 'mint'));
    expectSysvar(x.meta('rent'), SYSVAR_RENT_PUBKEY, 'rent');
    x.program('systemProgram', SystemProgram.programId);
    x.program('tokenProgram', TOKEN_PROGRAM_ID);
    const market = x.key('market');
    x.signer('market');
    x.mut('market');
    initAccount(x.context, {
      account: market,
      payer: authority,
      space: ACCOUNT_SPACE.MarketAccount,
      owner: x.ids.jobs,
    });
    const [vault, bump] = PublicKey.findProgramAddressSync(
      [market.toBytes(), x.ids.nosMint.toBytes()],
      x.ids.jobs,
    );
    ensure(x.key('vault').equals(vault), () => frameworkError('ConstraintSeeds', 'vault'));
    initAccount(x.context, {
      account: vault,
      payer: authority,
      space: 165,
      owner: TOKEN_PROGRAM_ID,
      seeds: [market.toBytes(), x.ids.nosMint.toBytes(), Uint8Array.of(bump)],
    });
    x.context.invoke([createInitializeAccount3Instruction(vault, x.ids.nosMint, vault)]);
    const jobType = Object.values(JobType).includes(Number(x.args.jobType) as never)
      ? Number(x.args.jobType)
      : JobType.Unknown;
    x.saveMarket({
      authority,
      jobExpiration: Number(x.args.jobExpiration),
      jobPrice: asBigInt(x.args.jobPrice),
      jobTimeout: Number(x.args.jobTimeout),
      jobType,
      vault,
      vaultBump: bump,
      nodeAccessKey: x.key('accessKey'),
      nodeXnosMinimum: asBigInt(x.args.nodeXnosMinimum),
      queueType: QueueType.Empty,
      queue: [],
    });
  },

  update(x: JobsInstruction) {
    x.mut('market');
    const market = x.market();
    const authority = x.signer('authority');
    ensure(market.authority.equals(authority), () => commonError('Unauthorized', 'market'));
    x.saveMarket({
      ...market,
      jobExpiration: Number(x.args.jobExpiration),
      jobPrice: asBigInt(x.args.jobPrice),
      jobType: Number(x.args.jobType),
      nodeAccessKey: x.key('accessKey'),
      nodeXnosMinimum: asBigInt(x.args.nodeStakeMinimum),
      jobTimeout: Number(x.args.jobTimeout),
    });
  },

  close(x: JobsInstruction) {
    closeMarket(x, (market, authority) =>
      ensure(market.authority.equals(authority), () => commonError('Unauthorized', 'market')),
    );
  },

  close_admin(x: JobsInstruction) {
    closeMarket(x, (_, authority) =>
      ensure(authority.equals(x.ids.marketAdmin), () => commonError('Unauthorized', 'authority')),
    );
  },

  work(x: JobsInstruction) {
    x.freshRun();
    x.mut('market');
    const market = x.market();
    const authority = x.signer('authority');
    ensure(market.queueType === QueueType.Job || !market.queue.some((k) => k.equals(authority)), () =>
      jobsError('NodeAlreadyQueued', 'market'),
    );
    const payer = x.signer('payer');
    x.mut('payer');
    x.nodeAccess(market, authority);
    x.program('systemProgram', SystemProgram.programId);
    if (market.queueType === QueueType.Job)
      x.createRun({ job: popFromQueue(market), node: authority, payer });
    else addToQueue(market, authority, false);
    x.saveMarket(market);
  },

  stop(x: JobsInstruction) {
    x.mut('market');
    const market = x.market();
    const authority = x.signer('authority');
    ensure(market.queueType === QueueType.Node, () => jobsError('MarketInWrongState', 'market'));
    ensure(market.authority.equals(authority) || x.key('node').equals(authority), () =>
      commonError('Unauthorized', 'market'),
    );
    removeFromQueue(market, x.key('node'));
    x.saveMarket(market);
  },
};

function closeMarket(
  x: JobsInstruction,
  authorize: (market: MarketAccount, authority: PublicKey) => void,
): void {
  x.mut('market');
  const market = x.market();
  const authority = x.signer('authority');
  authorize(market, authority);
  ensure(market.vault.equals(x.key('vault')), () => commonError('InvalidVault', 'market'));
  x.mut('vault');
  const vault = x.token('vault');
  x.mut('user');
  x.token('user');
  x.program('tokenProgram', TOKEN_PROGRAM_ID);
  const seeds = [x.vaultSeeds(market, x.key('market'))];
  // The program drains the vault into `user` (even an empty one) before closing it.
  x.context.invoke(
    [createTransferInstruction(x.key('vault'), x.key('user'), x.key('vault'), vault.amount)],
    seeds,
  );
  x.context.invoke([createCloseAccountInstruction(x.key('vault'), authority, x.key('vault'))], seeds);
  x.context.closeAccount(x.key('market'), authority);
}
