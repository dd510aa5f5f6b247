/**
 * The Nosana Pools program, emulated (nosana-ci/nosana-programs: programs/nosana-pools): a pool releases
 * `emission` NOS base units per second from `start_time` out of its vault PDA `["vault", pool]` (its own token
 * authority), either transferred to a beneficiary token account (`claim_transfer`, claim type 0) or added as a
 * Rewards fee (`claim_fee`, claim type 1: a CPI into the Rewards program's `add_fee` signed by the vault). What
 * a claim releases is chain's `poolClaimAmount`, shared with the client. Every instruction is emulated.
 */
import {
  ACCOUNT_SPACE,
  decodePoolAccount,
  decodeReflectionAccount,
  encodePoolAccount,
  NOSANA_POOLS_IDL,
  type NosanaProgramIds,
  POOL_CLAIM_TYPE,
  type PoolAccount,
  poolClaimAmount,
  rewardsInstruction,
  StakeArithmeticPanic,
} from '@nosana/chain';
import {
  createCloseAccountInstruction,
  createInitializeAccount3Instruction,
  createTransferInstruction,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token';
import { PublicKey, SYSVAR_RENT_PUBKEY, SystemProgram } from '@solana/web3.js';
import { type EmulatedProgram, ProgramPanic } from '../solana/emulation.js';
import {
  commonError,
  ensure,
  expectAddress,
  expectSysvar,
  frameworkError,
  initAccount,
  mintAccount,
  NamedAccounts,
  noDuplicateMutable,
  poolsError,
  programAccount,
  readInstruction,
  signer,
} from './anchor.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const U64_MAX = (1n << 64n) - 1n;
/** `ClaimType::Unknown`: what `open` stores for a claim type other than 0 or 1. */
const UNKNOWN_CLAIM_TYPE = 255;

/** One Pools instruction as its handler sees it: named accounts, loaders with Anchor's checks. */
class PoolsInstruction extends NamedAccounts {
  pool(): PoolAccount {
    return programAccount(
      this.context,
      this.meta('pool'),
      'pool',
      this.ids.pools,
      'PoolAccount',
      decodePoolAccount,
    );
  }
  savePool(pool: PoolAccount): void {
    this.context.setData(this.key('pool'), encodePoolAccount(pool, this.space('pool')));
  }
  /** The seeds the pool's vault signs with: `["vault", pool, bump]`. */
  vaultSeeds(pool: PoolAccount): Uint8Array[] {
    return [utf8('vault'), this.key('pool').toBytes(), Uint8Array.of(pool.vaultBump)];
  }
  /** `address = pool.vault @ InvalidTokenAccount` of the claims. */
  poolVault(pool: PoolAccount): void {
    ensure(pool.vault.equals(this.key('vault')), () => commonError('InvalidTokenAccount', 'vault'));
  }
  /** The claims' constraints: the pool has started and has this claim type. */
  claimable(pool: PoolAccount, claimType: number): void {
    ensure(this.context.now() > pool.startTime, () => poolsError('NotStarted', 'pool'));
    ensure(pool.claimType === claimType, () => poolsError('WrongClaimType', 'pool'));
  }
  /** `PoolAccount::claim`: what is due now, at most what the vault holds, counted as claimed. */
  claim(pool: PoolAccount, available: bigint): { pool: PoolAccount; amount: bigint } {
    let amount: bigint;
    try {
      amount = poolClaimAmount({ pool, available, now: this.context.now() });
    } catch (error) {
      if (error instanceof StakeArithmeticPanic) throw new ProgramPanic(error.message);
      throw error;
    }
    const claimedTokens = pool.claimedTokens + amount;
    if (claimedTokens > U64_MAX) throw new ProgramPanic('attempt to add with overflow');
    return { pool: { ...pool, claimedTokens }, amount };
  }
}

/**
 * The emulated Pools program for a program set.
 *
 * @example
 * ```ts
 * const programs = [createRewardsProgram(ids), createPoolsProgram(ids)];
 * ```
 */
export function createPoolsProgram(ids: NosanaProgramIds): EmulatedProgram {
  return {
    programId: ids.pools,
    name: 'nosana_pools',
    execute(context) {
      const ix = readInstruction(context, NOSANA_POOLS_IDL);
      handlers[ix.decoded.name as keyof typeof handlers](
        new PoolsInstruction(context, ix, ids),
        ix.decoded.args,
      );
    },
  };
}

/**
 * The handlers, by IDL name. Each loads its accounts in the order of the Rust accounts struct, creates `init`
 * accounts, runs Anchor's duplicate check, then the field constraints in order, then the handler body.
 */
const handlers = {
  /** `open`: a pool at a fresh keypair account, its vault PDA `["vault", pool]` a token account of itself. */
  open(x: PoolsInstruction, args: Record<string, unknown>) {
    const beneficiary = x.token('beneficiary');
    const authority = signer(x.meta('authority'), 'authority');
    mintAccount(x.context, x.meta('mint'), 'mint');
    expectAddress(x.meta('systemProgram'), SystemProgram.programId, 'systemProgram');
    expectAddress(x.meta('tokenProgram'), TOKEN_PROGRAM_ID, 'tokenProgram');
    expectSysvar(x.meta('rent'), SYSVAR_RENT_PUBKEY, 'rent');
    // A fresh keypair account: unless it signed, the System program's create_account refuses it.
    const pool = x.key('pool');
    initAccount(x.context, {
      account: pool,
      payer: authority,
      space: ACCOUNT_SPACE.PoolAccount,
      owner: x.ids.pools,
    });
    const [vault, vaultBump] = PublicKey.findProgramAddressSync([utf8('vault'), pool.toBytes()], x.ids.pools);
    ensure(x.key('vault').equals(vault), () => frameworkError('ConstraintSeeds', 'vault'));
    initAccount(x.context, {
      account: vault,
      payer: authority,
      space: 165,
      owner: TOKEN_PROGRAM_ID,
      seeds: [utf8('vault'), pool.toBytes(), Uint8Array.of(vaultBump)],
    });
    x.context.invoke([createInitializeAccount3Instruction(vault, x.key('mint'), vault)]);
    ensure(beneficiary.mint.equals(x.key('mint')), () =>
      frameworkError('ConstraintTokenMint', 'beneficiary'),
    );
    x.mut('authority');
    const claimType = Number(args.claimType);
    x.savePool({
      authority,
      beneficiary: x.key('beneficiary'),
      claimType:
        claimType === POOL_CLAIM_TYPE.transfer || claimType === POOL_CLAIM_TYPE.addFee
          ? claimType
          : UNKNOWN_CLAIM_TYPE,
      claimedTokens: 0n,
      closeable: args.closeable as boolean,
      emission: BigInt(args.emission as bigint),
      startTime: Number(args.startTime as bigint),
      vault,
      vaultBump,
    });
  },

  /**
   * `claim_fee`: adds what the pool released to the Rewards as a fee, by CPI signed by the vault. Less than one
   * second's emission is not sent, but the real program still counts it as claimed (its pool is saved on exit).
   */
  claim_fee(x: PoolsInstruction) {
    const vault = x.token('vault');
    programAccount(
      x.context,
      x.meta('rewardsReflection'),
      'rewardsReflection',
      x.ids.rewards,
      'ReflectionAccount',
      decodeReflectionAccount,
    );
    x.token('rewardsVault');
    const pool = x.pool();
    signer(x.meta('authority'), 'authority');
    expectAddress(x.meta('tokenProgram'), TOKEN_PROGRAM_ID, 'tokenProgram');
    expectAddress(x.meta('rewardsProgram'), x.ids.rewards, 'rewardsProgram');
    noDuplicateMutable(x.ix, ['vault', 'rewardsReflection', 'rewardsVault', 'pool']);
    x.mut('vault');
    x.poolVault(pool);
    x.mut('rewardsReflection');
    x.mut('rewardsVault');
    x.mut('pool');
    x.claimable(pool, POOL_CLAIM_TYPE.addFee);
    ensure(pool.beneficiary.equals(x.key('rewardsVault')), () => poolsError('WrongBeneficiary', 'pool'));
    x.mut('authority');
    const claimed = x.claim(pool, vault.amount);
    x.savePool(claimed.pool);
    if (claimed.amount < pool.emission) return;
    const addFee = rewardsInstruction(
      'add_fee',
      {
        user: x.key('vault'),
        reflection: x.key('rewardsReflection'),
        vault: x.key('rewardsVault'),
        authority: x.key('vault'),
      },
      { amount: claimed.amount },
      x.ids.rewards,
    );
    x.context.invoke([addFee], [x.vaultSeeds(pool)]);
  },

  /** `claim_transfer`: transfers what the pool released to its beneficiary; at least one second's emission. */
  claim_transfer(x: PoolsInstruction) {
    const vault = x.token('vault');
    x.token('beneficiary');
    const pool = x.pool();
    signer(x.meta('authority'), 'authority');
    expectAddress(x.meta('tokenProgram'), TOKEN_PROGRAM_ID, 'tokenProgram');
    noDuplicateMutable(x.ix, ['vault', 'beneficiary', 'pool']);
    x.mut('vault');
    x.poolVault(pool);
    x.mut('beneficiary');
    x.mut('pool');
    ensure(pool.beneficiary.equals(x.key('beneficiary')), () => poolsError('WrongBeneficiary', 'pool'));
    x.claimable(pool, POOL_CLAIM_TYPE.transfer);
    x.mut('authority');
    const claimed = x.claim(pool, vault.amount);
    ensure(claimed.amount >= pool.emission, () => poolsError('Underfunded'));
    x.savePool(claimed.pool);
    x.context.invoke(
      [createTransferInstruction(x.key('vault'), x.key('beneficiary'), x.key('vault'), claimed.amount)],
      [x.vaultSeeds(pool)],
    );
  },

  /** `close`: empties the vault to `user`, closes it and the pool; the rent goes to the authority. */
  close(x: PoolsInstruction) {
    const vault = x.token('vault');
    x.token('user');
    const pool = x.pool();
    const authority = signer(x.meta('authority'), 'authority');
    expectAddress(x.meta('tokenProgram'), TOKEN_PROGRAM_ID, 'tokenProgram');
    noDuplicateMutable(x.ix, ['vault', 'user', 'pool']);
    x.mut('vault');
    x.mut('user');
    x.mut('pool');
    ensure(pool.authority.equals(authority), () => commonError('Unauthorized', 'pool'));
    ensure(pool.vault.equals(x.key('vault')), () => commonError('InvalidVault', 'pool'));
    ensure(pool.closeable || vault.amount === 0n, () => poolsError('NotCloseable', 'pool'));
    x.mut('authority');
    x.context.invoke(
      [
        createTransferInstruction(x.key('vault'), x.key('user'), x.key('vault'), vault.amount),
        createCloseAccountInstruction(x.key('vault'), authority, x.key('vault')),
      ],
      [x.vaultSeeds(pool)],
    );
    // Anchor's `close = authority`, after the handler.
    x.context.closeAccount(x.key('pool'), authority);
  },

  /**
   * `update_beneficiary`: points the pool at another token account of the same mint. The signer must own the
   * current beneficiary; the real program does not ask for the pool's authority.
   */
  update_beneficiary(x: PoolsInstruction) {
    const beneficiary = x.token('beneficiary');
    const next = x.token('newBeneficiary');
    const pool = x.pool();
    const authority = signer(x.meta('authority'), 'authority');
    expectAddress(x.meta('tokenProgram'), TOKEN_PROGRAM_ID, 'tokenProgram');
    ensure(beneficiary.owner.equals(authority), () => frameworkError('ConstraintTokenOwner', 'beneficiary'));
    ensure(next.mint.equals(beneficiary.mint), () => frameworkError('ConstraintTokenMint', 'newBeneficiary'));
    x.mut('pool');
    ensure(pool.beneficiary.equals(x.key('beneficiary')), () => poolsError('WrongBeneficiary', 'pool'));
    x.mut('authority');
    x.savePool({ ...pool, beneficiary: x.key('newBeneficiary') });
  },
};
