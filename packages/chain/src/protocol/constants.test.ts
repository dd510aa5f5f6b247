import { isNosanaError, jobStateFromChain, ON_CHAIN_JOB_STATE } from '@nosana/core';
import { PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import {
  decodeJobAccount,
  decodeMarketAccount,
  decodeReflectionAccount,
  decodeRunAccount,
  decodeStakeAccount,
  encodeJobAccount,
  encodeMarketAccount,
  encodeReflectionAccount,
  encodeRunAccount,
  encodeStakeAccount,
} from './accounts.js';
import { ACCOUNT_DATA_LENGTH, ACCOUNT_SPACE, JobAccountState, JobType, QueueType } from './constants.js';

const key = new PublicKey(Uint8Array.from({ length: 32 }, (_, i) => i + 1));
const accounts = {
  JobAccount: {
    encode: () =>
      encodeJobAccount({
        ipfsJob: new Uint8Array(32).fill(1),
        ipfsResult: new Uint8Array(32),
        market: key,
        node: key,
        payer: key,
        price: 1n,
        project: key,
        state: JobAccountState.Done,
        timeEnd: 2,
        timeStart: 1,
        timeout: 3,
      }),
    decode: decodeJobAccount,
  },
  RunAccount: {
    encode: () => encodeRunAccount({ job: key, node: key, payer: key, state: 0, time: 5 }),
    decode: decodeRunAccount,
  },
  StakeAccount: {
    encode: () =>
      encodeStakeAccount({
        amount: 1n,
        authority: key,
        duration: 2,
        timeUnstake: 0,
        vault: key,
        vaultBump: 255,
        xnos: 3n,
      }),
    decode: decodeStakeAccount,
  },
  ReflectionAccount: {
    encode: () =>
      encodeReflectionAccount({ rate: 1n, totalReflection: 2n, totalXnos: 3n, vault: key, vaultBump: 254 }),
    decode: decodeReflectionAccount,
  },
  MarketAccount: {
    encode: () =>
      encodeMarketAccount({
        authority: key,
        jobExpiration: 1,
        jobPrice: 2n,
        jobTimeout: 3,
        jobType: JobType.Gpu,
        vault: key,
        vaultBump: 253,
        nodeAccessKey: key,
        nodeXnosMinimum: 4n,
        queueType: QueueType.Empty,
        queue: [],
      }),
    decode: decodeMarketAccount,
  },
} as const;

describe('protocol constants', () => {
  it('the Job state bytes are the ones @nosana/core derives client states from', () => {
    expect(JobAccountState).toEqual({
      Queued: ON_CHAIN_JOB_STATE.QUEUED,
      Done: ON_CHAIN_JOB_STATE.DONE,
      Stopped: ON_CHAIN_JOB_STATE.STOPPED,
    });
    expect(jobStateFromChain(JobAccountState.Queued, false)).toBe('QUEUED');
    expect(jobStateFromChain(JobAccountState.Queued, true)).toBe('RUNNING');
    expect(jobStateFromChain(JobAccountState.Stopped, true)).toBe('RUNNING');
    expect(jobStateFromChain(JobAccountState.Done, false)).toBe('COMPLETED');
  });

  it('JobType.Gpu is 4 and Default 0, as the program stores them', () => {
    expect(JobType.Gpu).toBe(4);
    expect(JobType.Default).toBe(0);
    expect(JobType.Unknown).toBe(255);
  });

  it.each(Object.keys(accounts) as Array<keyof typeof accounts>)(
    '%s: decodes from ACCOUNT_DATA_LENGTH bytes on, refuses one byte less, and fits in ACCOUNT_SPACE',
    (name) => {
      const { encode, decode } = accounts[name];
      const bytes = encode();
      expect(bytes.length).toBe(ACCOUNT_SPACE[name]);
      expect(ACCOUNT_DATA_LENGTH[name]).toBeLessThanOrEqual(ACCOUNT_SPACE[name]);
      expect(() => decode(bytes.subarray(0, ACCOUNT_DATA_LENGTH[name]))).not.toThrow();
      let error: unknown;
      try {
        decode(bytes.subarray(0, ACCOUNT_DATA_LENGTH[name] - 1));
      } catch (e) {
        error = e;
      }
      expect(isNosanaError(error, 'CHAIN__ACCOUNT_INVALID')).toBe(true);
    },
  );

  it('the Job account needs 233 bytes of fields (the length the client used to hard-code)', () => {
    expect(ACCOUNT_DATA_LENGTH.JobAccount).toBe(233);
  });
});
