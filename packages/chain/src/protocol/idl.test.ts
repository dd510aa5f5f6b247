import { createHash } from 'node:crypto';
import { BorshCoder, type Idl } from '@coral-xyz/anchor';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_DISCRIMINATORS } from './accounts.js';
import { NOSANA_JOBS_IDL, NOSANA_POOLS_IDL, NOSANA_REWARDS_IDL, NOSANA_STAKING_IDL } from './idl.js';

const sha8 = (text: string) => [...createHash('sha256').update(text).digest().subarray(0, 8)];
const hex = (bytes: readonly number[]) => Buffer.from(bytes).toString('hex');

describe('IDLs', () => {
  it.each([NOSANA_JOBS_IDL, NOSANA_STAKING_IDL, NOSANA_REWARDS_IDL, NOSANA_POOLS_IDL])(
    '$metadata.name: discriminators are sha256 of the Anchor names',
    (idl) => {
      for (const ix of idl.instructions) expect(ix.discriminator, ix.name).toEqual(sha8(`global:${ix.name}`));
      for (const account of idl.accounts)
        expect(account.discriminator, account.name).toEqual(sha8(`account:${account.name}`));
    },
  );

  it('matches the discriminators documented for the real Jobs program', () => {
    const byName = Object.fromEntries(
      NOSANA_JOBS_IDL.instructions.map((ix) => [ix.name, hex(ix.discriminator)]),
    );
    expect(byName).toMatchObject({
      open: 'e4dc9b47c7bd3c2d',
      update: 'dbc858b09e3ffd7f',
      list: '36aec14311298426',
      assign: '49427dcb51294087',
      delist: '3788cd6b6bad041f',
      recover: '6cd8263a6d927411',
      extend: 'e47f0001e39a36a8',
      end: 'b4a0f9d9c2794610',
      work: '0f432dc3d789e52f',
      stop: '2a85203cabfdb89b',
      claim: '3ec6d6c1d59f6cd2',
      complete: '004de0938819584c',
      finish: '434aaa847de9b625',
      quit: 'bf678df050816799',
      clean: 'fabf388096fb0167',
    });
    expect(Buffer.from(ACCOUNT_DISCRIMINATORS.MarketAccount).toString('hex')).toBe('c94ebbe1f0c6c9fb');
    expect(Buffer.from(ACCOUNT_DISCRIMINATORS.JobAccount).toString('hex')).toBe('5b10a2052dd27d41');
    expect(Buffer.from(ACCOUNT_DISCRIMINATORS.RunAccount).toString('hex')).toBe('c2a96ee6eb0be116');
  });

  it('matches the dispatch ids documented for the real Rewards and Pools programs', () => {
    const ids = (idl: typeof NOSANA_REWARDS_IDL | typeof NOSANA_POOLS_IDL) =>
      Object.fromEntries(idl.instructions.map((ix) => [ix.name, hex(ix.discriminator)]));
    expect(ids(NOSANA_REWARDS_IDL)).toMatchObject({ init: 'dc3bcfec6cfa2f64', enter: '8b31d172585b4d86' });
    expect(ids(NOSANA_POOLS_IDL)).toMatchObject({
      open: 'e4dc9b47c7bd3c2d',
      claim_fee: 'a9204f8988e84689',
      claim_transfer: 'cab23abee6eae511',
    });
  });

  it('declares the 19 Jobs program errors from 6000', () => {
    expect(NOSANA_JOBS_IDL.errors.map((e) => e.code)).toEqual(Array.from({ length: 19 }, (_, i) => 6000 + i));
    expect(NOSANA_JOBS_IDL.errors[4]).toEqual({
      code: 6004,
      name: 'JobInWrongState',
      msg: 'This job does not have the right status.',
    });
  });

  it.each([NOSANA_JOBS_IDL, NOSANA_STAKING_IDL, NOSANA_REWARDS_IDL, NOSANA_POOLS_IDL])(
    '$metadata.name loads in Anchor 0.32 BorshCoder',
    (idl) => {
      expect(() => new BorshCoder(idl as unknown as Idl)).not.toThrow();
    },
  );
});
