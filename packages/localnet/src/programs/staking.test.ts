import {
  decodeStakeAccount,
  rewardAddress,
  STAKING,
  stakeAddress,
  stakeVaultAddress,
  stakingInstruction,
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
