import { BN, BorshCoder, type Idl } from '@coral-xyz/anchor';
import { fc, test } from '@fast-check/vitest';
import { isNosanaError } from '@nosana/core';
import { Keypair, PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_DISCRIMINATORS,
  decodeJobAccount,
  decodeMarketAccount,
  decodePoolAccount,
  decodeRewardAccount,
  decodeRunAccount,
  decodeStakeAccount,
  encodeJobAccount,
  encodeMarketAccount,
  encodePoolAccount,
  encodeRewardAccount,
  encodeRunAccount,
  encodeStakeAccount,
  type JobAccount,
  type MarketAccount,
  type PoolAccount,
  type RewardAccount,
  stakeXnos,
} from './accounts.js';
import { ACCOUNT_SPACE, MARKET_QUEUE_CAPACITY, OFFSETS } from './constants.js';
import { NOSANA_JOBS_IDL, NOSANA_POOLS_IDL, NOSANA_REWARDS_IDL, NOSANA_STAKING_IDL } from './idl.js';

const key = (seed: number) => new PublicKey(Uint8Array.from({ length: 32 }, (_, i) => (seed * 31 + i) % 256));

/** Writes little-endian integers into a byte array at an offset, as the Rust program lays them out. */
function put(data: Uint8Array, offset: number, bytes: number, value: bigint) {
  let v = value < 0n ? (1n << BigInt(bytes * 8)) + value : value;
  for (let i = 0; i < bytes; i++) {
    data[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

describe('account codecs: golden bytes at the documented offsets', () => {
  it('JobAccount: ipfs_job@8 ipfs_result@40 market@72 node@104 payer@136 price@168 project@176 state@208 time_end@209 time_start@217 timeout@225', () => {
    const data = new Uint8Array(240);
    data.set(ACCOUNT_DISCRIMINATORS.JobAccount);
    data.fill(7, 8, 40);
    data.fill(9, 40, 72);
    data.set(key(1).toBytes(), 72);
    data.set(key(2).toBytes(), 104);
    data.set(key(3).toBytes(), 136);
    put(data, 168, 8, 115n);
    data.set(key(4).toBytes(), 176);
    data[208] = 2;
    put(data, 209, 8, 1_700_000_100n);
    put(data, 217, 8, 1_700_000_000n);
    put(data, 225, 8, 3600n);
    const job = decodeJobAccount(data);
    expect(job).toEqual({
      ipfsJob: new Uint8Array(32).fill(7),
      ipfsResult: new Uint8Array(32).fill(9),
      market: key(1),
      node: key(2),
      payer: key(3),
      price: 115n,
      project: key(4),
      state: 2,
      timeEnd: 1_700_000_100,
      timeStart: 1_700_000_000,
      timeout: 3600,
    });
    expect(encodeJobAccount(job)).toEqual(data);
  });

  it('MarketAccount: authority@8 … node_xnos_minimum@130 queue_type@146 queue@147 (u32 length + keys)', () => {
    const data = new Uint8Array(ACCOUNT_SPACE.MarketAccount);
    data.set(ACCOUNT_DISCRIMINATORS.MarketAccount);
    data.set(key(1).toBytes(), 8);
    put(data, 40, 8, 86_400n);
    put(data, 48, 8, 115n);
    put(data, 56, 8, 7200n);
    data[64] = 4;
    data.set(key(2).toBytes(), 65);
    data[97] = 254;
    data.set(key(3).toBytes(), 98);
    put(data, 130, 16, (1n << 70n) + 5n);
    data[146] = 1;
    put(data, 147, 4, 2n);
    data.set(key(4).toBytes(), 151);
    data.set(key(5).toBytes(), 183);
    const market = decodeMarketAccount(data);
    expect(market).toEqual({
      authority: key(1),
      jobExpiration: 86_400,
      jobPrice: 115n,
      jobTimeout: 7200,
      jobType: 4,
      vault: key(2),
      vaultBump: 254,
      nodeAccessKey: key(3),
      nodeXnosMinimum: (1n << 70n) + 5n,
      queueType: 1,
      queue: [key(4), key(5)],
    });
    expect(encodeMarketAccount(market)).toEqual(data);
  });

  it('RunAccount: job@8 node@40 payer@72 state@104 time@105', () => {
    const data = new Uint8Array(ACCOUNT_SPACE.RunAccount);
    data.set(ACCOUNT_DISCRIMINATORS.RunAccount);
    data.set(key(1).toBytes(), 8);
    data.set(key(2).toBytes(), 40);
    data.set(key(3).toBytes(), 72);
    put(data, 105, 8, 1_700_000_000n);
    const run = decodeRunAccount(data);
    expect(run).toEqual({ job: key(1), node: key(2), payer: key(3), state: 0, time: 1_700_000_000 });
    expect(encodeRunAccount(run)).toEqual(data);
  });

  it('rejects data of another account type with CHAIN__ACCOUNT_INVALID', () => {
    const run = encodeRunAccount({ job: key(1), node: key(2), payer: key(3), state: 0, time: 1 });
    expect(() => decodeJobAccount(run)).toThrowError(/not a JobAccount/);
    const error = (() => {
      try {
        decodeMarketAccount(run);
      } catch (caught) {
        return caught;
      }
    })();
    expect(isNosanaError(error, 'CHAIN__ACCOUNT_INVALID')).toBe(true);
  });
});

describe('allocated sizes: 8 + size_of::<T>() on the SBF target', () => {
  // Rust lays a struct out by its fields' sizes and alignments and pads it to the largest alignment. On SBF
  // (data layout "e-m:e-p:64:64-i64:64-n32:64-S128", no i128 entry) u128 takes the alignment of u64: 8.
  const layout: Record<string, { size: number; align: number }> = {
    u8: { size: 1, align: 1 },
    bool: { size: 1, align: 1 },
    u64: { size: 8, align: 8 },
    i64: { size: 8, align: 8 },
    u128: { size: 16, align: 8 },
    pubkey: { size: 32, align: 1 },
  };
  const sizeOf = (
    idl: { types: readonly { name: string; type: { fields: readonly { type: unknown }[] } }[] },
    name: string,
  ) => {
    const fields = idl.types
      .find((t) => t.name === name)!
      .type.fields.map(({ type }) => {
        if (typeof type === 'string') return layout[type]!;
        if (typeof type === 'object' && type !== null && 'vec' in type) return { size: 24, align: 8 }; // ptr, cap, len
        return { size: 32, align: 1 }; // [u8; 32]
      });
    const align = Math.max(...fields.map((f) => f.align));
    const size = fields.reduce((sum, f) => sum + f.size, 0);
    return Math.ceil(size / align) * align;
  };

  it("matches the programs' SIZE constants (the Market also reserves 314 queue entries)", () => {
    expect(ACCOUNT_SPACE).toEqual({
      MarketAccount: 8 + sizeOf(NOSANA_JOBS_IDL, 'MarketAccount') + 32 * 314,
      JobAccount: 8 + sizeOf(NOSANA_JOBS_IDL, 'JobAccount'),
      RunAccount: 8 + sizeOf(NOSANA_JOBS_IDL, 'RunAccount'),
      StakeAccount: 8 + sizeOf(NOSANA_STAKING_IDL, 'StakeAccount'),
      ReflectionAccount: 8 + sizeOf(NOSANA_REWARDS_IDL, 'ReflectionAccount'),
      RewardAccount: 8 + sizeOf(NOSANA_REWARDS_IDL, 'RewardAccount'),
      PoolAccount: 8 + sizeOf(NOSANA_POOLS_IDL, 'PoolAccount'),
    });
    expect(ACCOUNT_SPACE.MarketAccount).toBe(10_224);
    expect(ACCOUNT_SPACE.ReflectionAccount).toBe(96);
  });

  it('a market account holds exactly MARKET_QUEUE_CAPACITY queue entries', () => {
    const fits = (entries: number) => OFFSETS.market.queue + 32 * entries <= ACCOUNT_SPACE.MarketAccount;
    expect(fits(MARKET_QUEUE_CAPACITY)).toBe(true);
    expect(fits(MARKET_QUEUE_CAPACITY + 1)).toBe(false);
  });
});

describe('account codecs agree with Anchor BorshCoder on the IDL (which uses the Rust field names)', () => {
  const jobs = new BorshCoder(NOSANA_JOBS_IDL as unknown as Idl);
  const staking = new BorshCoder(NOSANA_STAKING_IDL as unknown as Idl);
  const pubkey = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => new PublicKey(b));
  const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  const i64 = fc.integer({ min: -(2 ** 40), max: 2 ** 40 });
  const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

  const jobArb: fc.Arbitrary<JobAccount> = fc.record({
    ipfsJob: bytes32,
    ipfsResult: bytes32,
    market: pubkey,
    node: pubkey,
    payer: pubkey,
    price: u64,
    project: pubkey,
    state: fc.constantFrom(0, 2, 3),
    timeEnd: i64,
    timeStart: i64,
    timeout: i64,
  });
  const marketArb: fc.Arbitrary<MarketAccount> = fc.record({
    authority: pubkey,
    jobExpiration: i64,
    jobPrice: u64,
    jobTimeout: i64,
    jobType: fc.constantFrom(0, 1, 2, 3, 4, 255),
    vault: pubkey,
    vaultBump: fc.integer({ min: 0, max: 255 }),
    nodeAccessKey: pubkey,
    nodeXnosMinimum: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
    queueType: fc.constantFrom(0, 1, 255),
    queue: fc.array(pubkey, { maxLength: 20 }),
  });

  test.prop([jobArb], { numRuns: 100 })('JobAccount: ours → Anchor decode, and round trip', (job) => {
    const data = encodeJobAccount(job);
    expect(decodeJobAccount(data)).toEqual(job);
    const anchor = jobs.accounts.decode('JobAccount', Buffer.from(data));
    expect(anchor.price.toString()).toBe(job.price.toString());
    expect((anchor.project as PublicKey).equals(job.project)).toBe(true);
    expect(anchor.state).toBe(job.state);
    expect(anchor.timeout.toString()).toBe(String(job.timeout));
    expect(anchor.time_start.toString()).toBe(String(job.timeStart));
  });

  test.prop([marketArb], { numRuns: 100 })(
    'MarketAccount: ours → Anchor decode, and round trip',
    (market) => {
      const data = encodeMarketAccount(market);
      expect(decodeMarketAccount(data)).toEqual(market);
      const anchor = jobs.accounts.decode('MarketAccount', Buffer.from(data));
      expect(anchor.job_price.toString()).toBe(market.jobPrice.toString());
      expect(anchor.node_xnos_minimum.toString()).toBe(market.nodeXnosMinimum.toString());
      expect((anchor.queue as PublicKey[]).map((k) => k.toBase58())).toEqual(
        market.queue.map((k) => k.toBase58()),
      );
    },
  );

  it('StakeAccount: Anchor-encoded bytes decode with our codec', async () => {
    const authority = Keypair.generate().publicKey;
    // The coder uses the IDL's (Rust) field names.
    const fields = {
      amount: new BN(5_000_000),
      authority,
      duration: new BN(14 * 86_400),
      time_unstake: new BN(0),
      vault: key(8),
      vault_bump: 253,
      xnos: new BN(6_166_666),
    };
    const data = await staking.accounts.encode('StakeAccount', fields);
    const stake = decodeStakeAccount(data);
    expect(stake).toEqual({
      amount: 5_000_000n,
      authority,
      duration: 14 * 86_400,
      timeUnstake: 0,
      vault: key(8),
      vaultBump: 253,
      xnos: 6_166_666n,
    });
    expect(encodeStakeAccount(stake).subarray(0, data.length)).toEqual(Uint8Array.from(data));
  });

  const rewards = new BorshCoder(NOSANA_REWARDS_IDL as unknown as Idl);
  const pools = new BorshCoder(NOSANA_POOLS_IDL as unknown as Idl);
  const u128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
  const rewardArb: fc.Arbitrary<RewardAccount> = fc.record({
    authority: pubkey,
    bump: fc.integer({ min: 0, max: 255 }),
    reflection: u128,
    xnos: u128,
  });
  const poolArb: fc.Arbitrary<PoolAccount> = fc.record({
    authority: pubkey,
    beneficiary: pubkey,
    claimType: fc.constantFrom(0, 1),
    claimedTokens: u64,
    closeable: fc.boolean(),
    emission: u64,
    startTime: i64,
    vault: pubkey,
    vaultBump: fc.integer({ min: 0, max: 255 }),
  });

  test.prop([rewardArb], { numRuns: 50 })('RewardAccount: ours → Anchor decode, and round trip', (reward) => {
    const data = encodeRewardAccount(reward);
    expect(decodeRewardAccount(data)).toEqual(reward);
    const anchor = rewards.accounts.decode('RewardAccount', Buffer.from(data));
    expect(anchor.reflection.toString()).toBe(reward.reflection.toString());
    expect(anchor.xnos.toString()).toBe(reward.xnos.toString());
    expect(anchor.bump).toBe(reward.bump);
  });

  test.prop([poolArb], { numRuns: 50 })('PoolAccount: ours → Anchor decode, and round trip', (pool) => {
    const data = encodePoolAccount(pool);
    expect(decodePoolAccount(data)).toEqual(pool);
    const anchor = pools.accounts.decode('PoolAccount', Buffer.from(data));
    expect(anchor.claimed_tokens.toString()).toBe(pool.claimedTokens.toString());
    expect(anchor.closeable).toBe(pool.closeable);
    expect(anchor.start_time.toString()).toBe(String(pool.startTime));
    expect((anchor.vault as PublicKey).equals(pool.vault)).toBe(true);
    expect(anchor.vault_bump).toBe(pool.vaultBump);
  });
});

describe('stakeXnos', () => {
  it('multiplies the amount by 1 + duration / 4 months, up to 4× for a year, and is 0 when unstaking', () => {
    expect(stakeXnos({ amount: 1_000_000n, duration: 365 * 86_400, timeUnstake: 0 })).toBe(4_000_000n);
    expect(stakeXnos({ amount: 1_000_000n, duration: 0, timeUnstake: 0 })).toBe(1_000_000n);
    expect(stakeXnos({ amount: 1_000_000n, duration: 365 * 86_400, timeUnstake: 5 })).toBe(0n);
  });
});
