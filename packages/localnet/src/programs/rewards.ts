/**
 * The Nosana Rewards program, emulated (nosana-ci/nosana-programs: programs/nosana-rewards): stakers `enter` the
 * fee reflection with their stake's xNOS, fees come in with `add_fee` (the Jobs program's network fee and the
 * add-fee pools of the Pools program call it by CPI), and each staker `claim`s its share, `sync`s after its stake
 * changed, or `close`s its reward account. The arithmetic is chain's (`reflectionJoin`, `reflectionLeave`,
 * `reflectionAddFee`, `rewardPending`), shared with the client; tokens move only through the real Token program,
 * out of the vault signed by its PDA `[mint]` (its own token authority, its bump kept in the reflection account).
 *
 * `init` is not emulated: the localnet's genesis writes the reflection account and the vault, so `init` fails as
 * an unknown instruction does (InstructionFallbackNotFound).
 */
import {
  ACCOUNT_SPACE,
  decodeReflectionAccount,
  decodeRewardAccount,
  decodeStakeAccount,
  encodeReflectionAccount,
  encodeRewardAccount,
  NOSANA_REWARDS_IDL,
  type NosanaProgramIds,
  type ReflectionAccount,
  type RewardAccount,
  reflectionAddFee,
  reflectionJoin,
  reflectionLeave,
  rewardPending,
  type StakeAccount,
  StakeArithmeticPanic,
} from '@nosana/chain';
import { createTransferInstruction, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { PublicKey, SystemProgram } from '@solana/web3.js';
import { type EmulatedProgram, ProgramPanic } from '../solana/emulation.js';
import {
  commonError,
  ensure,
  expectAddress,
  frameworkError,
  initAccount,
  NamedAccounts,
  noDuplicateMutable,
  programAccount,
  readInstruction,
  stakingError,
} from './anchor.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;

/** Runs chain's reward arithmetic; where it throws, the program would have panicked. */
function math<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (error instanceof StakeArithmeticPanic) throw new ProgramPanic(error.message);
    throw error;
  }
}

/** One Rewards instruction as its handler sees it: named accounts, loaders with Anchor's checks, savers. */
class RewardsInstruction extends NamedAccounts {
  reflection(name = 'reflection'): ReflectionAccount {
    const decode = decodeReflectionAccount;
    return programAccount(this.context, this.meta(name), name, this.ids.rewards, 'ReflectionAccount', decode);
  }
  reward(name = 'reward'): RewardAccount {
    const decode = decodeRewardAccount;
    return programAccount(this.context, this.meta(name), name, this.ids.rewards, 'RewardAccount', decode);
  }
  /** `Account<'info, StakeAccount>` of the Staking program. */
  stake(name = 'stake'): StakeAccount {
    const decode = decodeStakeAccount;
    return programAccount(this.context, this.meta(name), name, this.ids.staking, 'StakeAccount', decode);
  }
  saveReflection(reflection: ReflectionAccount, name = 'reflection'): void {
    this.context.setData(this.key(name), encodeReflectionAccount(reflection, this.space(name)));
  }
  saveReward(reward: RewardAccount, name = 'reward'): void {
    this.context.setData(this.key(name), encodeRewardAccount(reward, this.space(name)));
  }
  /** `has_one = vault @ InvalidVault` of the reflection account. */
  reflectionVault(reflection: ReflectionAccount): void {
    ensure(reflection.vault.equals(this.key('vault')), () => commonError('InvalidVault', 'reflection'));
  }
  /** The constraints on the staker's stake: theirs, and staked (not unstaking). */
  stakeOf(stake: StakeAccount, authority: PublicKey): void {
    ensure(stake.authority.equals(authority), () => commonError('Unauthorized', 'stake'));
    ensure(stake.timeUnstake === 0, () => stakingError('AlreadyUnstaked', 'stake'));
  }
}

/**
 * The emulated Rewards program for a program set.
 *
 * @example
 * ```ts
 * const programs = [createJobsProgram(ids), createStakingProgram(ids), createRewardsProgram(ids)];
 * ```
 */
export function createRewardsProgram(ids: NosanaProgramIds): EmulatedProgram {
  return {
    programId: ids.rewards,
    name: 'nosana_rewards',
    execute(context) {
      const ix = readInstruction(context, NOSANA_REWARDS_IDL);
      // `init` is not emulated: the genesis writes what it would create.
      if (!Object.hasOwn(handlers, ix.decoded.name)) throw frameworkError('InstructionFallbackNotFound');
      handlers[ix.decoded.name as keyof typeof handlers](
        new RewardsInstruction(context, ix, ids),
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
  /** `enter`: opens the authority's reward account `["reward", authority]` with its stake's xNOS. */
  enter(x: RewardsInstruction) {
    const reflection = x.reflection();
    const stake = x.stake();
    const authority = x.signer('authority');
    expectAddress(x.meta('systemProgram'), SystemProgram.programId, 'systemProgram');
    const [reward, bump] = PublicKey.findProgramAddressSync(
      [utf8('reward'), authority.toBytes()],
      x.ids.rewards,
    );
    ensure(x.key('reward').equals(reward), () => frameworkError('ConstraintSeeds', 'reward'));
    initAccount(x.context, {
      account: reward,
      payer: authority,
      space: ACCOUNT_SPACE.RewardAccount,
      owner: x.ids.rewards,
      seeds: [utf8('reward'), authority.toBytes(), Uint8Array.of(bump)],
    });
    x.mut('reflection');
    x.stakeOf(stake, authority);
    x.mut('authority');
    const joined = math(() => reflectionJoin(reflection, stake.xnos, 0n));
    x.saveReflection(joined.reflection);
    x.saveReward({ authority, bump, reflection: joined.points, xnos: stake.xnos });
  },

  /** `add_fee`: `amount` joins the xNOS total (lowering the rate) and moves from `user` into the vault. */
  add_fee(x: RewardsInstruction, args: Record<string, unknown>) {
    x.token('user');
    const reflection = x.reflection();
    x.token('vault');
    const authority = x.signer('authority');
    expectAddress(x.meta('tokenProgram'), TOKEN_PROGRAM_ID, 'tokenProgram');
    noDuplicateMutable(x.ix, ['user', 'reflection', 'vault']);
    x.mut('user');
    x.mut('reflection');
    x.reflectionVault(reflection);
    x.mut('vault');
    const amount = BigInt(args.amount as bigint);
    x.saveReflection(math(() => reflectionAddFee(reflection, amount)));
    x.context.invoke([createTransferInstruction(x.key('user'), x.key('vault'), authority, amount)]);
  },

  /** `claim`: pays what is pending to `user` and re-enters with the stake's current xNOS. */
  claim(x: RewardsInstruction) {
    x.token('user');
    const vault = x.token('vault');
    const reflection = x.reflection();
    const reward = x.reward();
    const stake = x.stake();
    const authority = x.signer('authority');
    expectAddress(x.meta('tokenProgram'), TOKEN_PROGRAM_ID, 'tokenProgram');
    noDuplicateMutable(x.ix, ['user', 'vault', 'reflection', 'reward']);
    x.mut('user');
    x.mut('vault');
    x.mut('reflection');
    x.reflectionVault(reflection);
    x.mut('reward');
    ensure(reward.authority.equals(authority), () => commonError('Unauthorized', 'reward'));
    x.stakeOf(stake, authority);
    ensure(stake.xnos >= reward.xnos, () => stakingError('Decreased', 'stake'));
    x.mut('authority');
    const amount = math(() => rewardPending(reward, reflection.rate));
    if (amount === 0n) return;
    const leaving = reward.xnos + amount;
    if (leaving > U128_MAX) throw new ProgramPanic('attempt to add with overflow');
    const left = math(() => reflectionLeave(reflection, reward.reflection, leaving));
    const joined = math(() => reflectionJoin(left, stake.xnos, 0n));
    x.saveReflection(joined.reflection);
    x.saveReward({ ...reward, reflection: joined.points, xnos: stake.xnos });
    if (amount > U64_MAX)
      throw new ProgramPanic('called `Result::unwrap()` on an `Err` value: TryFromIntError(())');
    x.context.invoke(
      [createTransferInstruction(x.key('vault'), x.key('user'), x.key('vault'), amount)],
      [[vault.mint.toBytes(), Uint8Array.of(reflection.vaultBump)]],
    );
  },

  /** `sync`: re-enters with the stake's current xNOS, keeping what is pending (anyone may send it). */
  sync(x: RewardsInstruction) {
    const reward = x.reward();
    const stake = x.stake();
    const reflection = x.reflection();
    noDuplicateMutable(x.ix, ['reward', 'reflection']);
    x.mut('reward');
    ensure(stake.timeUnstake === 0, () => stakingError('AlreadyUnstaked', 'stake'));
    ensure(stake.authority.equals(reward.authority), () => commonError('Unauthorized', 'stake'));
    x.mut('reflection');
    const left = math(() => reflectionLeave(reflection, reward.reflection, reward.xnos));
    const pending = math(() => rewardPending(reward, left.rate));
    const joined = math(() => reflectionJoin(left, stake.xnos, pending));
    x.saveReflection(joined.reflection);
    x.saveReward({ ...reward, reflection: joined.points, xnos: stake.xnos });
  },

  /** `close`: leaves the reflection (forfeiting what is pending) and closes the account to the authority. */
  close(x: RewardsInstruction) {
    const reflection = x.reflection();
    const reward = x.reward();
    const authority = x.signer('authority');
    noDuplicateMutable(x.ix, ['reflection', 'reward']);
    x.mut('reflection');
    x.mut('reward');
    ensure(reward.authority.equals(authority), () => commonError('Unauthorized', 'reward'));
    x.mut('authority');
    x.saveReflection(math(() => reflectionLeave(reflection, reward.reflection, reward.xnos)));
    // Anchor's `close = authority`, after the handler.
    x.context.closeAccount(x.key('reward'), authority);
  },
};
