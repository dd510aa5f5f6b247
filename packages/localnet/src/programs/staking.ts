/**
 * The Nosana Staking program's stake lifecycle, emulated (nosana-ci/nosana-programs: programs/nosana-staking):
 * creating a stake (a node creates a 0-NOS, 14-day stake because `work` requires the account), topping it up,
 * extending, unstaking, restaking, withdrawing what the unlock released and closing it, with the program's xNOS
 * formula and unlock arithmetic (shared with the client: `stakeXnos`, `stakeWithdrawAmount`). The settings and
 * slashing instructions of the program's authority are not emulated.
 */
import {
  ACCOUNT_SPACE,
  decodeStakeAccount,
  encodeStakeAccount,
  NOSANA_STAKING_IDL,
  type NosanaProgramIds,
  rewardAddress,
  STAKING,
  type StakeAccount,
  StakeArithmeticPanic,
  stakeWithdrawAmount,
  stakeXnos,
} from '@nosana/chain';
import {
  createCloseAccountInstruction,
  createInitializeAccount3Instruction,
  createTransferInstruction,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token';
import { PublicKey, SYSVAR_RENT_PUBKEY, SystemProgram } from '@solana/web3.js';
import { type EmulatedProgram, type InstructionContext, ProgramPanic } from '../solana/emulation.js';
import {
  commonError,
  ensure,
  expectAddress,
  expectSysvar,
  frameworkError,
  type Instruction,
  initAccount,
  noDuplicateMutable,
  programAccount,
  readInstruction,
  signer,
  stakingError,
  tokenAccount,
  writable,
} from './anchor.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const SYSTEM = SystemProgram.programId;
/** nosana-common's `account_is_closed`: owned by the System program, or Anchor's closed-account discriminator. */
const isClosed = (account: { owner: PublicKey; data: Uint8Array } | null) =>
  account === null ||
  account.owner.equals(SYSTEM) ||
  (account.data.length >= 8 && account.data.subarray(0, 8).every((b) => b === 255));

/** The seeds the stake's vault signs with: `["vault", mint, authority, bump]`. */
const vaultSeeds = (stake: StakeAccount, mint: PublicKey) => [
  utf8('vault'),
  mint.toBytes(),
  stake.authority.toBytes(),
  Uint8Array.of(stake.vaultBump),
];

/** `StakeAccount::withdraw`: what the unlock has released by `now`; the program panics where it throws. */
function released(stake: StakeAccount, balance: bigint, now: number): bigint {
  try {
    return stakeWithdrawAmount({ stake, vaultBalance: balance, now });
  } catch (error) {
    if (error instanceof StakeArithmeticPanic) throw new ProgramPanic(error.message);
    throw error;
  }
}

/** One Staking instruction as its handler sees it: the decoded instruction and the stake account's load/save. */
interface StakingInstruction {
  context: InstructionContext;
  ix: Instruction;
  account: Instruction['account'];
  args: Record<string, unknown>;
  ids: NosanaProgramIds;
  /** The `stake` account (`mut`, owned by the program, a StakeAccount). */
  loadStake(): StakeAccount;
  /** Writes the `stake` account with its xNOS recomputed. */
  save(stake: StakeAccount): void;
}

/**
 * The emulated Staking program for a program set.
 *
 * @example
 * ```ts
 * const programs = [createJobsProgram(ids), createStakingProgram(ids)];
 * ```
 */
export function createStakingProgram(ids: NosanaProgramIds): EmulatedProgram {
  return {
    programId: ids.staking,
    name: 'nosana_staking',
    execute(context) {
      const ix = readInstruction(context, NOSANA_STAKING_IDL);
      const { decoded, account } = ix;
      const loadStake = () => {
        const meta = account('stake');
        writable(meta, 'stake');
        return programAccount(context, meta, 'stake', ids.staking, 'StakeAccount', decodeStakeAccount);
      };
      const save = (stake: StakeAccount) => {
        context.setData(account('stake').pubkey, encodeStakeAccount({ ...stake, xnos: stakeXnos(stake) }));
      };
      // The settings and slashing instructions of the program's authority are not emulated.
      if (!Object.hasOwn(handlers, decoded.name)) throw frameworkError('InstructionFallbackNotFound');
      handlers[decoded.name as keyof typeof handlers]({
        context,
        ix,
        account,
        args: decoded.args,
        ids,
        loadStake,
        save,
      });
    },
  };
}

/** The handlers of the emulated instructions, by IDL name. */
const handlers = {
  /** `stake`: creates the stake and its vault (both PDAs of the authority) and locks `amount` for `duration`. */
  stake({ context, account, args, ids, save }: StakingInstruction) {
    const authority = signer(account('authority'), 'authority');
    writable(account('authority'), 'authority');
    ensure(account('mint').pubkey.equals(ids.nosMint), () => commonError('InvalidMint', 'mint'));
    writable(account('user'), 'user');
    tokenAccount(context, account('user'), 'user');
    expectAddress(account('systemProgram'), SystemProgram.programId, 'systemProgram');
    expectAddress(account('tokenProgram'), TOKEN_PROGRAM_ID, 'tokenProgram');
    expectSysvar(account('rent'), SYSVAR_RENT_PUBKEY, 'rent');
    const [vault, vaultBump] = PublicKey.findProgramAddressSync(
      [utf8('vault'), ids.nosMint.toBytes(), authority.toBytes()],
      ids.staking,
    );
    const [stake, stakeBump] = PublicKey.findProgramAddressSync(
      [utf8('stake'), ids.nosMint.toBytes(), authority.toBytes()],
      ids.staking,
    );
    ensure(account('vault').pubkey.equals(vault), () => frameworkError('ConstraintSeeds', 'vault'));
    ensure(account('stake').pubkey.equals(stake), () => frameworkError('ConstraintSeeds', 'stake'));
    initAccount(context, {
      account: vault,
      payer: authority,
      space: 165,
      owner: TOKEN_PROGRAM_ID,
      seeds: [utf8('vault'), ids.nosMint.toBytes(), authority.toBytes(), Uint8Array.of(vaultBump)],
    });
    context.invoke([createInitializeAccount3Instruction(vault, ids.nosMint, vault)]);
    initAccount(context, {
      account: stake,
      payer: authority,
      space: ACCOUNT_SPACE.StakeAccount,
      owner: ids.staking,
      seeds: [utf8('stake'), ids.nosMint.toBytes(), authority.toBytes(), Uint8Array.of(stakeBump)],
    });
    const amount = BigInt(args.amount as bigint);
    const duration = BigInt(args.duration as bigint);
    ensure(duration >= BigInt(STAKING.durationMin), () => stakingError('DurationTooShort'));
    ensure(duration <= BigInt(STAKING.durationMax), () => stakingError('DurationTooLong'));
    save({ amount, authority, duration: Number(duration), timeUnstake: 0, vault, vaultBump, xnos: 0n });
    // Always a transfer, even of 0 NOS: the Token program checks `user`'s mint and owner either way.
    context.invoke([createTransferInstruction(account('user').pubkey, vault, authority, amount)]);
  },

  /** `topup`: adds `amount` to a staked stake. */
  topup({ context, ix, account, args, loadStake, save }: StakingInstruction) {
    tokenAccount(context, account('user'), 'user');
    tokenAccount(context, account('vault'), 'vault');
    const authority = signer(account('authority'), 'authority');
    const stake = loadStake();
    expectAddress(account('tokenProgram'), TOKEN_PROGRAM_ID, 'tokenProgram');
    noDuplicateMutable(ix, ['user', 'vault', 'stake']);
    writable(account('user'), 'user');
    writable(account('vault'), 'vault');
    ensure(stake.vault.equals(account('vault').pubkey), () => commonError('InvalidVault', 'stake'));
    ensure(stake.authority.equals(authority), () => commonError('Unauthorized', 'stake'));
    ensure(stake.timeUnstake === 0, () => stakingError('AlreadyUnstaked', 'stake'));
    const amount = BigInt(args.amount as bigint);
    ensure(amount > 0n, () => stakingError('AmountNotEnough'));
    save({ ...stake, amount: stake.amount + amount });
    context.invoke([createTransferInstruction(account('user').pubkey, stake.vault, authority, amount)]);
  },

  /** `extend`: lengthens a staked stake by `duration` (at most 365 days in all). */
  extend({ account, args, loadStake, save }: StakingInstruction) {
    const authority = signer(account('authority'), 'authority');
    const stake = loadStake();
    ensure(stake.authority.equals(authority), () => commonError('Unauthorized', 'stake'));
    ensure(stake.timeUnstake === 0, () => stakingError('AlreadyUnstaked', 'stake'));
    const extra = BigInt(args.duration as bigint);
    ensure(extra > 0n, () => stakingError('DurationTooShort'));
    const duration = BigInt(stake.duration) + extra;
    if (duration >= 1n << 64n) throw new ProgramPanic('attempt to add with overflow');
    ensure(duration <= BigInt(STAKING.durationMax), () => stakingError('DurationTooLong'));
    save({ ...stake, duration: Number(duration) });
  },

  /** `unstake`: starts the unlock; refused while the authority's Rewards account is open. */
  unstake({ context, account, ids, loadStake, save }: StakingInstruction) {
    const authority = signer(account('authority'), 'authority');
    const stake = loadStake();
    ensure(stake.authority.equals(authority), () => commonError('Unauthorized', 'stake'));
    ensure(stake.timeUnstake === 0, () => stakingError('AlreadyUnstaked', 'stake'));
    ensure(account('reward').pubkey.equals(rewardAddress(authority, ids).address), () =>
      commonError('InvalidAccount', 'reward'),
    );
    ensure(isClosed(context.getAccount(account('reward').pubkey)), () => stakingError('HasReward', 'reward'));
    save({ ...stake, timeUnstake: context.now() });
  },

  /** `restake`: stakes an unstaked stake again with what its vault holds. */
  restake({ context, ix, account, loadStake, save }: StakingInstruction) {
    const vault = tokenAccount(context, account('vault'), 'vault');
    const stake = loadStake();
    const authority = signer(account('authority'), 'authority');
    noDuplicateMutable(ix, ['vault', 'stake']);
    writable(account('vault'), 'vault');
    ensure(stake.vault.equals(account('vault').pubkey), () => commonError('InvalidVault', 'stake'));
    ensure(stake.authority.equals(authority), () => commonError('Unauthorized', 'stake'));
    ensure(stake.timeUnstake !== 0, () => stakingError('AlreadyStaked', 'stake'));
    save({ ...stake, amount: vault.amount, timeUnstake: 0 });
  },

  /** `withdraw`: moves what the unlock released so far from the vault to `user`. */
  withdraw({ context, ix, account, loadStake }: StakingInstruction) {
    tokenAccount(context, account('user'), 'user');
    const vault = tokenAccount(context, account('vault'), 'vault');
    const stake = loadStake();
    const authority = signer(account('authority'), 'authority');
    expectAddress(account('tokenProgram'), TOKEN_PROGRAM_ID, 'tokenProgram');
    noDuplicateMutable(ix, ['user', 'vault', 'stake']);
    writable(account('user'), 'user');
    writable(account('vault'), 'vault');
    ensure(vault.amount !== 0n, () => commonError('VaultEmpty', 'vault'));
    ensure(stake.vault.equals(account('vault').pubkey), () => commonError('InvalidVault', 'stake'));
    ensure(stake.authority.equals(authority), () => commonError('Unauthorized', 'stake'));
    ensure(stake.timeUnstake !== 0, () => stakingError('NotUnstaked', 'stake'));
    writable(account('authority'), 'authority');
    const amount = released(stake, vault.amount, context.now());
    if (amount > 0n) {
      context.invoke(
        [createTransferInstruction(stake.vault, account('user').pubkey, stake.vault, amount)],
        [vaultSeeds(stake, vault.mint)],
      );
    }
  },

  /** `close`: closes a fully unlocked, empty stake and its vault, the rent going to the authority. */
  close({ context, ix, account, loadStake }: StakingInstruction) {
    tokenAccount(context, account('user'), 'user');
    const stake = loadStake();
    const vault = tokenAccount(context, account('vault'), 'vault');
    const authority = signer(account('authority'), 'authority');
    expectAddress(account('tokenProgram'), TOKEN_PROGRAM_ID, 'tokenProgram');
    noDuplicateMutable(ix, ['user', 'stake', 'vault']);
    writable(account('user'), 'user');
    ensure(stake.vault.equals(account('vault').pubkey), () => commonError('InvalidVault', 'stake'));
    ensure(stake.authority.equals(authority), () => commonError('Unauthorized', 'stake'));
    ensure(stake.timeUnstake !== 0, () => stakingError('NotUnstaked', 'stake'));
    ensure(stake.timeUnstake + stake.duration < context.now(), () => stakingError('Locked', 'stake'));
    writable(account('vault'), 'vault');
    ensure(vault.amount === 0n, () => commonError('VaultNotEmpty', 'vault'));
    writable(account('authority'), 'authority');
    context.invoke(
      [createCloseAccountInstruction(stake.vault, authority, stake.vault)],
      [vaultSeeds(stake, vault.mint)],
    );
    // Anchor's `close = authority` on the stake, after the handler.
    context.closeAccount(account('stake').pubkey, authority);
  },
};
