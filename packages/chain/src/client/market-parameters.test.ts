import { fc, test } from '@fast-check/vitest';
import { isNosanaError } from '@nosana/core';
import { Keypair, PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import type { MarketAccount } from '../protocol/accounts.js';
import { JobType, QueueType } from '../protocol/constants.js';
import { NOSANA_JOBS_IDL } from '../protocol/idl.js';
import { SYSTEM_PROGRAM_ADDRESS } from '../protocol/ids.js';
import { decodeInstruction, jobsInstruction } from '../protocol/instructions.js';
import { validateMarketParameters } from './market-parameters.js';

const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;

/** Runs `call` and returns the CHAIN__MARKET_PARAMETER_INVALID it throws. */
function rejection(call: () => unknown) {
  try {
    call();
  } catch (error) {
    if (isNosanaError(error, 'CHAIN__MARKET_PARAMETER_INVALID')) return error;
    throw error;
  }
  throw new Error('expected CHAIN__MARKET_PARAMETER_INVALID, nothing was thrown');
}

const current: MarketAccount = {
  authority: Keypair.generate().publicKey,
  jobExpiration: 600,
  jobPrice: 100n,
  jobTimeout: 3600,
  jobType: JobType.Gpu,
  vault: Keypair.generate().publicKey,
  vaultBump: 254,
  nodeAccessKey: Keypair.generate().publicKey,
  nodeXnosMinimum: 5n,
  queueType: QueueType.Empty,
  queue: [],
};

describe('validateMarketParameters', () => {
  it('completes open settings with the defaults: a day of expiration, Default job type, open to every node', () => {
    expect(validateMarketParameters('open', { price: 100n, timeout: 3600 })).toEqual({
      price: 100n,
      timeout: 3600,
      jobExpiration: 86_400,
      jobType: JobType.Default,
      nodeAccessKey: new PublicKey(SYSTEM_PROGRAM_ADDRESS),
      nodeStakeMinimum: 0n,
    });
    const key = Keypair.generate().publicKey;
    expect(
      validateMarketParameters('open', {
        price: 0n,
        timeout: 1,
        jobExpiration: 0,
        jobType: JobType.Large,
        nodeAccessKey: key.toBase58(),
        nodeStakeMinimum: U128_MAX,
      }),
    ).toEqual({
      price: 0n,
      timeout: 1,
      jobExpiration: 0,
      jobType: JobType.Large,
      nodeAccessKey: key,
      nodeStakeMinimum: U128_MAX,
    });
  });

  it('requires price and timeout to open', () => {
    expect(rejection(() => validateMarketParameters('open', { timeout: 60 } as never)).context).toEqual({
      operation: 'open',
      field: 'price',
      value: 'undefined',
    });
    expect(rejection(() => validateMarketParameters('open', { price: 1n } as never)).context).toMatchObject({
      operation: 'open',
      field: 'timeout',
    });
  });

  it.each([
    ['price', -1n, '-1n'],
    ['price', U64_MAX + 1n, `${U64_MAX + 1n}n`],
    ['price', 100, '100'],
    ['price', '100', '"100"'],
    ['timeout', 0, '0'],
    ['timeout', -60, '-60'],
    ['timeout', 1.5, '1.5'],
    ['timeout', Number.NaN, 'NaN'],
    ['timeout', '60', '"60"'],
    ['jobExpiration', -1, '-1'],
    ['jobExpiration', 0.5, '0.5'],
    ['jobType', 5, '5'],
    ['jobType', JobType.Unknown, '255'],
    ['jobType', -1, '-1'],
    ['nodeAccessKey', 'not a key', '"not a key"'],
    [
      'nodeAccessKey',
      '1111111111111111111111111111111111111111111111',
      '"1111111111111111111111111111111111111111111111"',
    ],
    ['nodeAccessKey', 42, '42'],
    ['nodeStakeMinimum', -1n, '-1n'],
    ['nodeStakeMinimum', U128_MAX + 1n, `${U128_MAX + 1n}n`],
    ['nodeStakeMinimum', 5, '5'],
  ])('refuses %s = %s, saying what, where and what is accepted', (field, value, shown) => {
    for (const operation of ['open', 'update'] as const) {
      const input = { price: 1n, timeout: 60, [field]: value };
      const error = rejection(() => validateMarketParameters(operation, input, current));
      expect(error.context).toEqual({ operation, field, value: shown });
      expect(error.message).toContain(`markets.${operation}: ${field} `);
      expect(error.message).toMatch(/must be .* — nothing was sent$/);
    }
  });

  it('refuses settings the program does not take, naming the queue type as managed by the program', () => {
    const queueType = rejection(() =>
      validateMarketParameters('open', { price: 1n, timeout: 60, queueType: 0 } as never),
    );
    expect(queueType.context.field).toBe('queueType');
    expect(queueType.message).toContain('the program manages the queue type itself');
    const typo = rejection(() => validateMarketParameters('update', { prise: 5n } as never, current));
    expect(typo.context).toEqual({ operation: 'update', field: 'prise', value: '5n' });
    expect(typo.message).toContain(
      'settings: price, timeout, jobExpiration, jobType, nodeAccessKey, nodeStakeMinimum',
    );
  });

  it('updates only what is given, keeping the rest of the current settings', () => {
    expect(validateMarketParameters('update', { price: 150n, timeout: undefined }, current)).toEqual({
      price: 150n,
      timeout: 3600,
      jobExpiration: 600,
      jobType: JobType.Gpu,
      nodeAccessKey: current.nodeAccessKey,
      nodeStakeMinimum: 5n,
    });
    expect(rejection(() => validateMarketParameters('update', {}, current)).context.field).toBe('parameters');
    expect(
      rejection(() => validateMarketParameters('update', { timeout: undefined }, current)).context.field,
    ).toBe('parameters');
    expect(rejection(() => validateMarketParameters('update', null as never, current)).context.field).toBe(
      'parameters',
    );
  });

  test.prop([
    fc.bigInt({ min: 0n, max: U64_MAX }),
    fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    fc.constantFrom(...Object.values(JobType).filter((t) => t !== JobType.Unknown)),
    fc.bigInt({ min: 0n, max: U128_MAX }),
  ])(
    'every accepted setting encodes into open and update and decodes back unchanged',
    (price, timeout, jobExpiration, jobType, nodeStakeMinimum) => {
      const s = validateMarketParameters('open', {
        price,
        timeout,
        jobExpiration,
        jobType,
        nodeStakeMinimum,
      });
      const key = Keypair.generate().publicKey;
      const open = jobsInstruction(
        'open',
        { mint: key, market: key, vault: key, authority: key, accessKey: s.nodeAccessKey },
        {
          jobExpiration: s.jobExpiration,
          jobPrice: s.price,
          jobTimeout: s.timeout,
          jobType: s.jobType,
          nodeXnosMinimum: s.nodeStakeMinimum,
        },
      );
      expect(decodeInstruction(NOSANA_JOBS_IDL, open.data).args).toEqual({
        jobExpiration: BigInt(jobExpiration),
        jobPrice: price,
        jobTimeout: BigInt(timeout),
        jobType,
        nodeXnosMinimum: nodeStakeMinimum,
      });
      const update = jobsInstruction(
        'update',
        { market: key, accessKey: s.nodeAccessKey, authority: key },
        {
          jobExpiration: s.jobExpiration,
          jobPrice: s.price,
          jobType: s.jobType,
          nodeStakeMinimum: s.nodeStakeMinimum,
          jobTimeout: s.timeout,
        },
      );
      expect(decodeInstruction(NOSANA_JOBS_IDL, update.data).args).toEqual({
        jobExpiration: BigInt(jobExpiration),
        jobPrice: price,
        jobType,
        nodeStakeMinimum,
        jobTimeout: BigInt(timeout),
      });
    },
  );
});
