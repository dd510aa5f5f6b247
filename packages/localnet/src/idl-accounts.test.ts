import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { getProgramIds, NOSANA_JOBS_IDL, NOSANA_POOLS_IDL, NOSANA_STAKING_IDL } from '@nosana/chain';
import { PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { encodeIdlAccount, idlAccountAddress, type SpecIdl, toLegacyIdl } from './idl-accounts.js';

describe('toLegacyIdl', () => {
  const legacy = toLegacyIdl(NOSANA_JOBS_IDL as SpecIdl);

  it('names instructions, accounts and arguments in camelCase, with isMut / isSigner', () => {
    const quitAdmin = legacy.instructions.find((ix) => ix.name === 'quitAdmin');
    expect(quitAdmin?.accounts).toEqual([
      { name: 'run', isMut: true, isSigner: false },
      { name: 'payer', isMut: true, isSigner: false },
      { name: 'authority', isMut: false, isSigner: true },
    ]);
    expect(legacy.instructions.find((ix) => ix.name === 'finish')?.args).toEqual([
      { name: 'ipfsResult', type: { array: ['u8', 32] } },
    ]);
  });

  it('puts account types inline, with publicKey for pubkey and camelCase fields', () => {
    expect(legacy.accounts.map((account) => account.name)).toEqual([
      'JobAccount',
      'MarketAccount',
      'RunAccount',
    ]);
    const job = legacy.accounts[0]?.type as { fields: Array<{ name: string; type: unknown }> };
    expect(job.fields.slice(0, 3)).toEqual([
      { name: 'ipfsJob', type: { array: ['u8', 32] } },
      { name: 'ipfsResult', type: { array: ['u8', 32] } },
      { name: 'market', type: 'publicKey' },
    ]);
    const market = legacy.accounts[1]?.type as { fields: Array<{ name: string; type: unknown }> };
    expect(market.fields.find((field) => field.name === 'queue')?.type).toEqual({ vec: 'publicKey' });
    expect(legacy.types).toEqual([]);
    expect(legacy).toMatchObject({ name: 'nosana_jobs', metadata: { address: NOSANA_JOBS_IDL.address } });
  });

  it('keeps the errors', () => {
    expect(toLegacyIdl(NOSANA_STAKING_IDL as SpecIdl).errors).toEqual(NOSANA_STAKING_IDL.errors);
  });

  it('converts the Pools IDL: bool arguments, its errors, the PoolAccount type', () => {
    const pools = toLegacyIdl(NOSANA_POOLS_IDL as SpecIdl);
    expect(pools.instructions.find((ix) => ix.name === 'open')?.args).toEqual([
      { name: 'emission', type: 'u64' },
      { name: 'startTime', type: 'i64' },
      { name: 'claimType', type: 'u8' },
      { name: 'closeable', type: 'bool' },
    ]);
    expect(pools.instructions.map((ix) => ix.name)).toEqual([
      'open',
      'claimFee',
      'claimTransfer',
      'close',
      'updateBeneficiary',
    ]);
    expect(pools.errors.map((error) => [error.code, error.name])).toEqual([
      [6000, 'NotStarted'],
      [6001, 'Underfunded'],
      [6002, 'NotCloseable'],
      [6003, 'WrongClaimType'],
      [6004, 'WrongBeneficiary'],
    ]);
    expect(pools.accounts.map((account) => account.name)).toEqual(['PoolAccount']);
  });
});

describe('encodeIdlAccount', () => {
  it('writes the IdlAccount discriminator, the authority, the length and the zlib JSON', () => {
    const authority = getProgramIds().authority;
    const data = encodeIdlAccount({ name: 'x' }, authority);
    const discriminator = createHash('sha256').update('account:IdlAccount').digest().subarray(0, 8);
    expect(data.subarray(0, 8)).toEqual(discriminator);
    expect(new PublicKey(data.subarray(8, 40)).equals(authority)).toBe(true);
    const length = data.readUInt32LE(40);
    expect(data.length).toBe(44 + length);
    expect(JSON.parse(inflateSync(data.subarray(44)).toString('utf8'))).toEqual({ name: 'x' });
  });
});

describe('idlAccountAddress', () => {
  it('is createWithSeed(findProgramAddress([], program), "anchor:idl", program)', async () => {
    const program = getProgramIds().jobs;
    const [base] = PublicKey.findProgramAddressSync([], program);
    const expected = await PublicKey.createWithSeed(base, 'anchor:idl', program);
    expect((await idlAccountAddress(program)).equals(expected)).toBe(true);
    expect(expected.equals(program)).toBe(false);
  });
});
