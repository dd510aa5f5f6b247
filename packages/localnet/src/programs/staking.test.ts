import {
  closeStakeInstruction,
  decodeStakeAccount,
  restakeInstruction,
  rewardAddress,
  STAKING,
  stakeAddress,
  stakeInstruction,
  stakeVaultAddress,
  stakeWithdrawAmount,
  stakeXnos,
  stakingInstruction,
  topupStakeInstruction,
  unstakeInstruction,
  withdrawStakeInstruction,
} from '@nosana/chain';
import { createAssociatedTokenAccountIdempotentInstruction } from '@solana/spl-token';
import { type Keypair, type PublicKey, SYSVAR_RENT_PUBKEY, SystemProgram } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { createTestChain, errorName, type TestChain } from '../../test/bank-helpers.js';

const NOS = 1_000_000n;
const DAY = 86_400;

/** A `stake` instruction for `node` with its own NOS account, unless told otherwise. */
const stakeIx = (
  chain: TestChain,
  node: Keypair,
  { amount = 0n, user = chain.ata(node.publicKey), rent = SYSVAR_RENT_PUBKEY } = {},
) =>
  stakingInstruction(
    'stake',
    {
      mint: chain.ids.nosMint,
      user,
      vault: stakeVaultAddress(node.publicKey, chain.ids).address,
      stake: stakeAddress(node.publicKey, chain.ids).address,
      authority: node.publicKey,
      rent,
    },
    { amount, duration: 14 * DAY },
  );
const openNosAccount = (chain: TestChain, owner: Keypair) =>
  createAssociatedTokenAccountIdempotentInstruction(
    owner.publicKey,
    chain.ata(owner.publicKey),
    owner.publicKey,
    chain.ids.nosMint,
  );
const stakeOf = (chain: TestChain, node: PublicKey) =>
  decodeStakeAccount(chain.bank.getAccount(stakeAddress(node, chain.ids).address)!.data);

describe('emulated Staking program: the rules of the real program', () => {
  it('transfers even 0 NOS at stake, so `user` must be a NOS account of the authority (SPL Token checks the owner)', () => {
    const chain = createTestChain();
    const node = chain.user();
    const other = chain.user(5n * NOS);
    expect(
      chain.send(
        [openNosAccount(chain, node), stakeIx(chain, node, { user: chain.ata(other.publicKey) })],
        [node],
      ).err,
    ).toEqual(
      // SPL Token's OwnerMismatch (4): the node may not move tokens out of another wallet's account.
      { InstructionError: [1, { Custom: 4 }] },
    );
    expect(
      errorName(
        chain.send(
          [openNosAccount(chain, node), stakeIx(chain, node, { rent: SystemProgram.programId })],
          [node],
        ),
      ),
    ).toBe('AccountSysvarMismatch');
    expect(chain.send([openNosAccount(chain, node), stakeIx(chain, node)], [node]).err).toBeNull();
    expect(stakeOf(chain, node.publicKey)).toMatchObject({ amount: 0n, duration: 14 * DAY, xnos: 0n });
  });

  it('creates the stake and vault PDAs even when someone sent SOL to their addresses first (Anchor init)', () => {
    const chain = createTestChain();
    const node = chain.user();
    const stake = stakeAddress(node.publicKey, chain.ids).address;
    const vault = stakeVaultAddress(node.publicKey, chain.ids).address;
    chain.bank.airdrop(stake.toBase58(), 1_000_000n); // less than its rent
    chain.bank.airdrop(vault.toBase58(), 10_000_000n);
    expect(chain.send([openNosAccount(chain, node), stakeIx(chain, node)], [node]).err).toBeNull();
    expect(chain.bank.getAccount(stake)!.owner).toBe(chain.ids.staking.toBase58());
    expect(chain.bank.getAccount(stake)!.lamports).toBe(chain.bank.rentExempt(120));
    // More than rent-exempt already: nothing is added.
    expect(chain.bank.getAccount(vault)!.lamports).toBe(10_000_000n);
    expect(chain.tokens(vault)).toBe(0n);
  });

  it('requires topup > 0 (AmountNotEnough) and extend > 0 (DurationTooShort), and extends up to a year', () => {
    const chain = createTestChain();
    const node = chain.user(10n * NOS);
    chain.stake(node);
    const topup = (amount: bigint) =>
      chain.send(
        [
          stakingInstruction(
            'topup',
            {
              user: chain.ata(node.publicKey),
              vault: stakeVaultAddress(node.publicKey, chain.ids).address,
              stake: stakeAddress(node.publicKey, chain.ids).address,
              authority: node.publicKey,
            },
            { amount },
          ),
        ],
        [node],
      );
    const extend = (duration: number) =>
      chain.send(
        [
          stakingInstruction(
            'extend',
            { stake: stakeAddress(node.publicKey, chain.ids).address, authority: node.publicKey },
            { duration },
          ),
        ],
        [node],
      );
    expect(errorName(topup(0n))).toBe('AmountNotEnough');
    expect(topup(2n * NOS).err).toBeNull();
    expect(chain.nos(node.publicKey)).toBe(8n * NOS);
    expect(errorName(extend(0))).toBe('DurationTooShort');
    expect(errorName(extend(STAKING.durationMax))).toBe('DurationTooLong');
    expect(extend(STAKING.durationMax - 14 * DAY).err).toBeNull();
    expect(stakeOf(chain, node.publicKey)).toMatchObject({
      amount: 2n * NOS,
      duration: 365 * DAY,
      xnos: 8n * NOS,
    });
  });

  it('unstakes when the reward account is closed: absent, or only holding SOL (owned by the System program)', () => {
    const chain = createTestChain();
    const node = chain.user();
    chain.stake(node);
    const reward = rewardAddress(node.publicKey, chain.ids).address;
    chain.bank.airdrop(reward.toBase58(), 1_000_000n);
    const unstake = chain.send(
      [
        stakingInstruction(
          'unstake',
          { stake: stakeAddress(node.publicKey, chain.ids).address, reward, authority: node.publicKey },
          {},
        ),
      ],
      [node],
    );
    expect(unstake.err).toBeNull();
    expect(stakeOf(chain, node.publicKey).timeUnstake).toBeGreaterThan(0);
  });

  it('refuses to unstake while a Rewards program reward account is open (HasReward)', () => {
    const chain = createTestChain();
    const node = chain.user();
    chain.stake(node);
    const reward = rewardAddress(node.publicKey, chain.ids).address;
    chain.bank.setAccount(reward, {
      lamports: chain.bank.rentExempt(80),
      owner: chain.ids.rewards.toBase58(),
      data: new Uint8Array(80).fill(1),
      executable: false,
    });
    const unstake = chain.send(
      [
        stakingInstruction(
          'unstake',
          { stake: stakeAddress(node.publicKey, chain.ids).address, reward, authority: node.publicKey },
          {},
        ),
      ],
      [node],
    );
    expect(errorName(unstake)).toBe('HasReward');
  });
});

/** A wall clock that stands still, so the chain's time moves only with `advance` (exact release amounts). */
const frozen = () => 1_800_000_000_000;

describe('emulated Staking program: unstake, restake, withdraw and close', () => {
  /** A user with `nos` NOS staked for `days`. */
  const staked = (chain: TestChain, nos: bigint, days: number) => {
    const user = chain.user(nos);
    const ids = chain.ids;
    const result = chain.send(
      [
        openNosAccount(chain, user),
        stakeInstruction({ authority: user.publicKey, amount: nos, durationSeconds: days * DAY, ids }),
      ],
      [user],
    );
    expect(result.err).toBeNull();
    return user;
  };
  const run = (
    chain: TestChain,
    user: Keypair,
    build: (p: { authority: PublicKey; ids: TestChain['ids'] }) => ReturnType<typeof restakeInstruction>,
  ) => chain.send([build({ authority: user.publicKey, ids: chain.ids })], [user]);

  it('withdraw releases linearly after unstake and all of it at the end; restake stakes what is left', () => {
    const chain = createTestChain(frozen);
    const user = staked(chain, 1000n * NOS, 20);
    const vault = stakeVaultAddress(user.publicKey, chain.ids).address;
    expect(errorName(run(chain, user, withdrawStakeInstruction))).toBe('NotUnstaked');
    expect(errorName(run(chain, user, restakeInstruction))).toBe('AlreadyStaked');
    expect(run(chain, user, unstakeInstruction).err).toBeNull();
    expect(errorName(run(chain, user, unstakeInstruction))).toBe('AlreadyUnstaked');
    expect(stakeOf(chain, user.publicKey).xnos).toBe(0n);
    chain.advance(5 * DAY);
    expect(run(chain, user, withdrawStakeInstruction).err).toBeNull();
    const quarter = chain.nos(user.publicKey);
    // A quarter of the duration: a quarter of the stake (the program's fixed-point steps round it down).
    expect(quarter).toBe(
      stakeWithdrawAmount({
        stake: stakeOf(chain, user.publicKey),
        vaultBalance: 1000n * NOS,
        now: frozen() / 1000 + 5 * DAY,
      }),
    );
    expect(quarter).toBeLessThanOrEqual(250n * NOS);
    expect(quarter).toBeGreaterThanOrEqual(250n * NOS - 1n);
    expect(chain.tokens(vault)).toBe(1000n * NOS - quarter);
    // Restake: the stake is what the vault still holds, its xNOS recomputed.
    expect(run(chain, user, restakeInstruction).err).toBeNull();
    const restaked = stakeOf(chain, user.publicKey);
    expect(restaked).toMatchObject({ amount: 1000n * NOS - quarter, timeUnstake: 0 });
    expect(restaked.xnos).toBe(stakeXnos(restaked));
    expect(restaked.xnos).toBeGreaterThan(0n);
    expect(run(chain, user, unstakeInstruction).err).toBeNull();
    chain.advance(20 * DAY);
    expect(run(chain, user, withdrawStakeInstruction).err).toBeNull();
    expect(chain.nos(user.publicKey)).toBe(1000n * NOS);
    expect(errorName(run(chain, user, withdrawStakeInstruction))).toBe('VaultEmpty');
  });

  it('close needs the stake unstaked, past its unlock and its vault empty; the rent of both goes back', () => {
    const chain = createTestChain(frozen);
    const user = staked(chain, 10n * NOS, 14);
    const stake = stakeAddress(user.publicKey, chain.ids).address;
    const vault = stakeVaultAddress(user.publicKey, chain.ids).address;
    expect(errorName(run(chain, user, closeStakeInstruction))).toBe('NotUnstaked');
    expect(run(chain, user, unstakeInstruction).err).toBeNull();
    expect(errorName(run(chain, user, closeStakeInstruction))).toBe('Locked');
    chain.advance(14 * DAY + 1);
    expect(errorName(run(chain, user, closeStakeInstruction))).toBe('VaultNotEmpty');
    const lamports = chain.bank.getAccount(user.publicKey)!.lamports;
    const rent = chain.bank.getAccount(stake)!.lamports + chain.bank.getAccount(vault)!.lamports;
    expect(
      chain.send(
        [
          withdrawStakeInstruction({ authority: user.publicKey, ids: chain.ids }),
          closeStakeInstruction({ authority: user.publicKey, ids: chain.ids }),
        ],
        [user],
      ).err,
    ).toBeNull();
    expect(chain.bank.getAccount(stake)).toBeNull();
    expect(chain.bank.getAccount(vault)).toBeNull();
    expect(chain.nos(user.publicKey)).toBe(10n * NOS);
    expect(chain.bank.getAccount(user.publicKey)!.lamports).toBe(lamports + rent - 5000n);
  });

  it('refuses another wallet: only the stake authority may withdraw or top it up', () => {
    const chain = createTestChain(frozen);
    const user = staked(chain, 10n * NOS, 14);
    const thief = chain.user(1n * NOS);
    const stake = stakeAddress(user.publicKey, chain.ids).address;
    const vault = stakeVaultAddress(user.publicKey, chain.ids).address;
    expect(run(chain, user, unstakeInstruction).err).toBeNull();
    chain.advance(15 * DAY);
    const withdraw = stakingInstruction(
      'withdraw',
      { user: chain.ata(thief.publicKey), vault, stake, authority: thief.publicKey },
      {},
    );
    expect(errorName(chain.send([withdraw], [thief]))).toBe('Unauthorized');
    const topup = topupStakeInstruction({ authority: thief.publicKey, amount: 1n, ids: chain.ids });
    expect(chain.send([topup], [thief]).err).not.toBeNull();
    expect(chain.tokens(vault)).toBe(10n * NOS);
  });
});
