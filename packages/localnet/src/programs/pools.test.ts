import {
  POOL_CLAIM_TYPE,
  poolsInstruction,
  poolVaultAddress,
  rewardsReflectionAddress,
  rewardsVaultAddress,
} from '@nosana/chain';
import { createTransferInstruction, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { Keypair, type PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { createTestChain, errorName, type TestChain } from '../../test/bank-helpers.js';
import {
  claim,
  claimFee,
  customError,
  enter,
  frozen,
  genesisPool,
  NOS,
  poolOf,
  reflectionOf,
  rewardOf,
  rewardsVault,
  stakeOf,
  staker,
} from '../../test/rewards-helpers.js';
import { DEFAULT_REWARDS_POOL_FUNDING, GENESIS_REFLECTION_XNOS } from '../genesis-rewards.js';

interface OpenPool {
  claimType: number;
  beneficiary: PublicKey;
  emission?: bigint;
  fund?: bigint;
  closeable?: boolean;
  startTime?: number;
}

/** Opens a pool with a fresh authority, funded from the authority's NOS; starts now unless told. */
function openPool(chain: TestChain, options: OpenPool) {
  const { emission = NOS, fund = 100n * NOS, closeable = false } = options;
  const authority = chain.user(fund);
  const pool = Keypair.generate();
  const vault = poolVaultAddress(pool.publicKey, chain.ids).address;
  const open = poolsInstruction(
    'open',
    {
      pool: pool.publicKey,
      vault,
      beneficiary: options.beneficiary,
      authority: authority.publicKey,
      mint: chain.ids.nosMint,
    },
    {
      emission,
      startTime: options.startTime ?? chain.bank.slotTime(),
      claimType: options.claimType,
      closeable,
    },
    chain.ids.pools,
  );
  const result = chain.send(
    [open, createTransferInstruction(chain.ata(authority.publicKey), vault, authority.publicKey, fund)],
    [authority, pool],
  );
  return { result, authority, pool: pool.publicKey, vault };
}

const claimTransfer = (chain: TestChain, pool: PublicKey, beneficiary: PublicKey, signer = chain.user()) =>
  chain.send(
    [
      poolsInstruction(
        'claim_transfer',
        { vault: poolOf(chain, pool).vault, beneficiary, pool, authority: signer.publicKey },
        {},
        chain.ids.pools,
      ),
    ],
    [signer],
  );

describe('emulated Pools program: the genesis rewards pool', () => {
  it('emits 1 NOS/s from genesis into the Rewards by a nested CPI (claim_fee → add_fee → Token transfer)', () => {
    const chain = createTestChain(frozen);
    const pool = poolOf(chain);
    expect(pool).toMatchObject({
      claimType: POOL_CLAIM_TYPE.addFee,
      closeable: false,
      emission: NOS,
      claimedTokens: 0n,
      startTime: chain.bank.slotTime(),
    });
    expect(pool.beneficiary.equals(rewardsVault(chain))).toBe(true);
    expect(pool.vault.equals(poolVaultAddress(genesisPool(chain), chain.ids).address)).toBe(true);
    expect(chain.tokens(pool.vault)).toBe(DEFAULT_REWARDS_POOL_FUNDING);

    const user = staker(chain, 1000n * NOS, 90);
    expect(enter(chain, user).err).toBeNull();
    const cranker = chain.user();
    // Same second as the start: NotStarted (the pool requires now > start_time).
    const early = claimFee(chain, cranker);
    expect(errorName(early)).toBe('NotStarted');
    expect(customError(early)).toBe(6000);

    chain.advance(100);
    const totalXnos = reflectionOf(chain).totalXnos;
    const released = claimFee(chain, cranker);
    expect(released.err).toBeNull();
    expect(chain.tokens(rewardsVault(chain))).toBe(100n * NOS);
    expect(chain.tokens(pool.vault)).toBe(DEFAULT_REWARDS_POOL_FUNDING - 100n * NOS);
    expect(poolOf(chain).claimedTokens).toBe(100n * NOS);
    expect(reflectionOf(chain).totalXnos).toBe(totalXnos + 100n * NOS);
    const token = TOKEN_PROGRAM_ID.toBase58();
    const nested = released.logs.filter((line) => / invoke \[\d\]$| success$/.test(line));
    expect(nested).toEqual([
      `Program ${chain.ids.pools.toBase58()} invoke [1]`,
      `Program ${chain.ids.rewards.toBase58()} invoke [2]`,
      `Program ${token} invoke [3]`,
      `Program ${token} success`,
      `Program ${chain.ids.rewards.toBase58()} success`,
      `Program ${chain.ids.pools.toBase58()} success`,
    ]);
    expect(released.logs).toContain('Program log: Instruction: AddFee');

    // Nothing more is due in the same second: the instruction succeeds and moves nothing.
    expect(claimFee(chain, cranker).err).toBeNull();
    expect(chain.tokens(rewardsVault(chain))).toBe(100n * NOS);

    const xnos = stakeOf(chain, user.publicKey).xnos;
    expect(claim(chain, user).err).toBeNull();
    const share = (100n * NOS * xnos) / (xnos + GENESIS_REFLECTION_XNOS);
    expect(chain.nos(user.publicKey)).toBeGreaterThanOrEqual(share - 1n);
    expect(chain.nos(user.publicKey)).toBeLessThanOrEqual(share + 1n);
    expect(rewardOf(chain, user.publicKey)!.xnos).toBe(xnos);
  });

  it('releases at most what its vault holds; less than a second’s emission is counted as claimed but not sent', () => {
    const chain = createTestChain(frozen, { rewardsEmission: 5n, rewardsPoolFunding: 12n });
    const cranker = chain.user();
    chain.advance(2);
    expect(claimFee(chain, cranker).err).toBeNull();
    expect(chain.tokens(rewardsVault(chain))).toBe(10n);
    chain.advance(10);
    // 50 more are due, 2 are left: under one emission, the real program sends nothing yet saves the claim.
    expect(claimFee(chain, cranker).err).toBeNull();
    expect(chain.tokens(rewardsVault(chain))).toBe(10n);
    expect(chain.tokens(poolOf(chain).vault)).toBe(2n);
    expect(poolOf(chain).claimedTokens).toBe(12n);
  });
});

describe('emulated Pools program: claim types, beneficiaries, close', () => {
  it('claim_fee refuses a transfer pool (WrongClaimType), another beneficiary (WrongBeneficiary) or vault', () => {
    const chain = createTestChain(frozen);
    const owner = chain.user(1n);
    const transfer = openPool(chain, {
      claimType: POOL_CLAIM_TYPE.transfer,
      beneficiary: chain.ata(owner.publicKey),
    });
    expect(transfer.result.err).toBeNull();
    const elsewhere = openPool(chain, {
      claimType: POOL_CLAIM_TYPE.addFee,
      beneficiary: chain.ata(owner.publicKey),
    });
    expect(elsewhere.result.err).toBeNull();
    chain.advance(10);
    const cranker = chain.user();
    const wrongType = claimFee(chain, cranker, transfer.pool);
    expect(errorName(wrongType)).toBe('WrongClaimType');
    expect(customError(wrongType)).toBe(6003);
    const wrongBeneficiary = claimFee(chain, cranker, elsewhere.pool);
    expect(errorName(wrongBeneficiary)).toBe('WrongBeneficiary');
    expect(customError(wrongBeneficiary)).toBe(6004);
    const otherVault = chain.send(
      [
        poolsInstruction(
          'claim_fee',
          {
            vault: transfer.vault,
            rewardsReflection: rewardsReflectionAddress(chain.ids).address,
            rewardsVault: rewardsVaultAddress(chain.ids).address,
            pool: genesisPool(chain),
            authority: cranker.publicKey,
          },
          {},
          chain.ids.pools,
        ),
      ],
      [cranker],
    );
    expect(errorName(otherVault)).toBe('InvalidTokenAccount');
    expect(chain.tokens(rewardsVault(chain))).toBe(0n);
  });

  it('claim_transfer pays the beneficiary what was emitted, at least one emission (Underfunded)', () => {
    const chain = createTestChain(frozen);
    const owner = chain.user(1n);
    const beneficiary = chain.ata(owner.publicKey);
    const { pool, result } = openPool(chain, {
      claimType: POOL_CLAIM_TYPE.transfer,
      beneficiary,
      emission: 3n * NOS,
      fund: 20n * NOS,
    });
    expect(result.err).toBeNull();
    expect(errorName(claimTransfer(chain, pool, beneficiary))).toBe('NotStarted');
    chain.advance(4);
    expect(errorName(claimTransfer(chain, pool, chain.ata(chain.user(1n).publicKey)))).toBe(
      'WrongBeneficiary',
    );
    expect(claimTransfer(chain, pool, beneficiary).err).toBeNull();
    expect(chain.tokens(beneficiary)).toBe(1n + 12n * NOS);
    chain.advance(10);
    expect(claimTransfer(chain, pool, beneficiary).err).toBeNull();
    expect(chain.tokens(beneficiary)).toBe(1n + 20n * NOS);
    chain.advance(10);
    const empty = claimTransfer(chain, pool, beneficiary);
    expect(errorName(empty)).toBe('Underfunded');
    expect(customError(empty)).toBe(6001);
    expect(errorName(claimFee(chain, owner, pool))).toBe('WrongClaimType');
  });

  it('close empties a closeable pool to `user` and returns both rents to the authority; else NotCloseable', () => {
    const chain = createTestChain(frozen);
    const owner = chain.user(1n);
    const fixed = openPool(chain, {
      claimType: POOL_CLAIM_TYPE.transfer,
      beneficiary: chain.ata(owner.publicKey),
    });
    const closeable = openPool(chain, {
      claimType: POOL_CLAIM_TYPE.transfer,
      beneficiary: chain.ata(owner.publicKey),
      closeable: true,
    });
    const close = (opened: ReturnType<typeof openPool>, signer: Keypair) =>
      chain.send(
        [
          poolsInstruction(
            'close',
            {
              vault: opened.vault,
              user: chain.ata(owner.publicKey),
              pool: opened.pool,
              authority: signer.publicKey,
            },
            {},
            chain.ids.pools,
          ),
        ],
        [signer],
      );
    const refused = close(fixed, fixed.authority);
    expect(errorName(refused)).toBe('NotCloseable');
    expect(customError(refused)).toBe(6002);
    expect(errorName(close(closeable, chain.user()))).toBe('Unauthorized');
    const rent =
      chain.bank.getAccount(closeable.pool)!.lamports + chain.bank.getAccount(closeable.vault)!.lamports;
    const lamports = chain.bank.getAccount(closeable.authority.publicKey)!.lamports;
    expect(close(closeable, closeable.authority).err).toBeNull();
    expect(chain.tokens(chain.ata(owner.publicKey))).toBe(1n + 100n * NOS);
    expect(chain.bank.getAccount(closeable.pool)).toBeNull();
    expect(chain.bank.getAccount(closeable.vault)).toBeNull();
    expect(chain.bank.getAccount(closeable.authority.publicKey)!.lamports).toBe(lamports + rent - 5000n);
  });

  it('update_beneficiary needs the owner of the current beneficiary; open stores an unknown claim type as 255', () => {
    const chain = createTestChain(frozen);
    const owner = chain.user(1n);
    const next = chain.ata(chain.user(1n).publicKey);
    const { pool, authority } = openPool(chain, { claimType: 7, beneficiary: chain.ata(owner.publicKey) });
    expect(poolOf(chain, pool).claimType).toBe(255);
    const update = (signer: Keypair) =>
      chain.send(
        [
          poolsInstruction(
            'update_beneficiary',
            {
              beneficiary: chain.ata(owner.publicKey),
              newBeneficiary: next,
              pool,
              authority: signer.publicKey,
            },
            {},
            chain.ids.pools,
          ),
        ],
        [signer],
      );
    // Not even the pool's authority: the real program asks for the beneficiary's owner.
    expect(errorName(update(authority))).toBe('ConstraintTokenOwner');
    expect(update(owner).err).toBeNull();
    expect(poolOf(chain, pool).beneficiary.equals(next)).toBe(true);
  });

  it('open needs the pool account to sign (the System program refuses to create it otherwise)', () => {
    const chain = createTestChain(frozen);
    const authority = chain.user();
    const pool = Keypair.generate();
    const open = poolsInstruction(
      'open',
      {
        pool: pool.publicKey,
        vault: poolVaultAddress(pool.publicKey, chain.ids).address,
        beneficiary: rewardsVault(chain),
        authority: authority.publicKey,
        mint: chain.ids.nosMint,
      },
      { emission: 1n, startTime: 0, claimType: POOL_CLAIM_TYPE.addFee, closeable: false },
      chain.ids.pools,
    );
    open.keys[0]!.isSigner = false;
    expect(chain.send([open], [authority]).err).toEqual({ InstructionError: [0, 'PrivilegeEscalation'] });
  });
});
