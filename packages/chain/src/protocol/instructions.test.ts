import { BorshCoder, type Idl } from '@coral-xyz/anchor';
import { fc, test } from '@fast-check/vitest';
import { isNosanaError } from '@nosana/core';
import { Keypair, PublicKey, SYSVAR_RENT_PUBKEY, SystemProgram } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { NOSANA_JOBS_IDL, NOSANA_POOLS_IDL, NOSANA_REWARDS_IDL, NOSANA_STAKING_IDL } from './idl.js';
import { getProgramIds } from './ids.js';
import { decodeInstruction, jobsInstruction, stakingInstruction } from './instructions.js';

const ids = getProgramIds('mainnet');
const k = () => Keypair.generate().publicKey;
const TOKEN = new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
const meta = (ix: { keys: Array<{ pubkey: PublicKey; isSigner: boolean; isWritable: boolean }> }) =>
  ix.keys.map((key) => `${key.isWritable ? 'w' : '-'}${key.isSigner ? 's' : '-'}`);

// Every `#[derive(Accounts)]` struct of nosana-programs (programs/*/src/instructions/*.rs), field by field:
// w = `mut` (or `init`), s = `Signer` / `init` with a fresh keypair / `signer` constraint.
const RUST_ACCOUNTS = {
  jobs: {
    open: [
      'mint',
      'market:ws',
      'vault:w',
      'authority:ws',
      'access_key',
      'rent',
      'system_program',
      'token_program',
    ],
    update: ['market:w', 'access_key', 'authority:s'],
    close: ['market:w', 'vault:w', 'user:w', 'authority:s', 'token_program'],
    close_admin: ['market:w', 'vault:w', 'user:w', 'authority:s', 'token_program'],
    assign: [
      'job:ws',
      'market:w',
      'run:ws',
      'node',
      'user:w',
      'vault:w',
      'payer:ws',
      'rewards_reflection:w',
      'rewards_vault:w',
      'authority:s',
      'rewards_program',
      'token_program',
      'system_program',
    ],
    list: [
      'job:ws',
      'market:w',
      'run:ws',
      'user:w',
      'vault:w',
      'payer:ws',
      'rewards_reflection:w',
      'rewards_vault:w',
      'authority:s',
      'rewards_program',
      'token_program',
      'system_program',
    ],
    delist: ['job:w', 'market:w', 'deposit:w', 'payer:w', 'vault:w', 'token_program', 'authority:ws'],
    recover: ['job:w', 'market', 'vault:w', 'user:w', 'payer:w', 'authority:s', 'token_program'],
    extend: [
      'job:w',
      'market',
      'user:w',
      'vault:w',
      'rewards_reflection:w',
      'rewards_vault:w',
      'authority:s',
      'payer:s',
      'rewards_program',
      'token_program',
    ],
    end: [
      'job:w',
      'market',
      'run:w',
      'deposit:w',
      'user:w',
      'vault:w',
      'payer:w',
      'authority:ws',
      'token_program',
    ],
    work: ['run:ws', 'market:w', 'payer:ws', 'stake', 'nft', 'metadata', 'authority:s', 'system_program'],
    stop: ['market:w', 'node', 'authority:s'],
    claim: [
      'job:w',
      'run:ws',
      'market',
      'stake',
      'nft',
      'metadata',
      'payer:ws',
      'authority:s',
      'system_program',
    ],
    complete: ['job:w', 'authority:s'],
    finish: [
      'job:w',
      'run:w',
      'market',
      'vault:w',
      'deposit:w',
      'user:w',
      'payer_run:w',
      'payer_job:w',
      'authority:s',
      'token_program',
    ],
    quit: ['job:w', 'run:w', 'payer:w', 'authority:s'],
    quit_admin: ['run:w', 'payer:w', 'authority:s'],
    clean: ['job:w', 'market', 'payer:w'],
    clean_admin: ['job:w', 'payer:w', 'authority:s'],
  },
  staking: {
    stake: [
      'mint',
      'user:w',
      'vault:w',
      'stake:w',
      'authority:ws',
      'system_program',
      'token_program',
      'rent',
    ],
    topup: ['user:w', 'vault:w', 'stake:w', 'authority:s', 'token_program'],
    extend: ['stake:w', 'authority:s'],
    unstake: ['stake:w', 'reward', 'authority:s'],
    restake: ['vault:w', 'stake:w', 'authority:s'],
    withdraw: ['user:w', 'vault:w', 'stake:w', 'authority:ws', 'token_program'],
    close: ['user:w', 'stake:w', 'vault:w', 'authority:ws', 'token_program'],
  },
  rewards: {
    init: ['mint', 'reflection:w', 'vault:w', 'authority:ws', 'system_program', 'token_program', 'rent'],
    enter: ['reflection:w', 'stake', 'reward:w', 'authority:ws', 'system_program'],
    add_fee: ['user:w', 'reflection:w', 'vault:w', 'authority:s', 'token_program'],
    claim: ['user:w', 'vault:w', 'reflection:w', 'reward:w', 'stake', 'authority:ws', 'token_program'],
    sync: ['reward:w', 'stake', 'reflection:w'],
    close: ['reflection:w', 'reward:w', 'authority:ws'],
  },
  pools: {
    open: [
      'pool:ws',
      'vault:w',
      'beneficiary',
      'authority:ws',
      'mint',
      'system_program',
      'token_program',
      'rent',
    ],
    claim_fee: [
      'vault:w',
      'rewards_reflection:w',
      'rewards_vault:w',
      'pool:w',
      'authority:ws',
      'token_program',
      'rewards_program',
    ],
    claim_transfer: ['vault:w', 'beneficiary:w', 'pool:w', 'authority:ws', 'token_program'],
    close: ['vault:w', 'user:w', 'pool:w', 'authority:ws', 'token_program'],
    update_beneficiary: ['beneficiary', 'new_beneficiary', 'pool:w', 'authority:ws', 'token_program'],
  },
} as const;

describe('every instruction of the IDLs has the accounts of its Rust struct', () => {
  const describeIdl = (idl: { instructions: readonly { name: string; accounts: readonly object[] }[] }) =>
    Object.fromEntries(
      idl.instructions.map((ix) => [
        ix.name,
        ix.accounts.map((account) => {
          const { name, writable, signer } = account as {
            name: string;
            writable?: boolean;
            signer?: boolean;
          };
          const flags = `${writable ? 'w' : ''}${signer ? 's' : ''}`;
          return flags ? `${name}:${flags}` : name;
        }),
      ]),
    );

  it.each([
    ['nosana_jobs', NOSANA_JOBS_IDL, RUST_ACCOUNTS.jobs],
    ['nosana_staking', NOSANA_STAKING_IDL, RUST_ACCOUNTS.staking],
    ['nosana_rewards', NOSANA_REWARDS_IDL, RUST_ACCOUNTS.rewards],
    ['nosana_pools', NOSANA_POOLS_IDL, RUST_ACCOUNTS.pools],
  ] as const)('%s: names, order and flags', (_, idl, expected) => {
    expect(describeIdl(idl)).toEqual(expected);
  });

  it.each(Object.keys(RUST_ACCOUNTS.jobs))('jobsInstruction(%s) builds those key metas', (name) => {
    const definition = NOSANA_JOBS_IDL.instructions.find((ix) => ix.name === name)!;
    const camel = (text: string) => text.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    const accounts = Object.fromEntries(definition.accounts.map((a) => [camel(a.name), k()]));
    const args = Object.fromEntries(
      definition.args.map((a) => [camel(a.name), typeof a.type === 'object' ? new Uint8Array(32) : 1]),
    );
    const ix = jobsInstruction(name as never, accounts as never, args as never);
    expect(ix.keys.map((key) => key.pubkey.toBase58())).toEqual(
      definition.accounts.map((a) => accounts[camel(a.name)]!.toBase58()),
    );
    expect(
      ix.keys.map((key, i) => {
        const flags = `${key.isWritable ? 'w' : ''}${key.isSigner ? 's' : ''}`;
        const accountName = definition.accounts[i]!.name;
        return flags ? `${accountName}:${flags}` : accountName;
      }),
    ).toEqual(RUST_ACCOUNTS.jobs[name as keyof typeof RUST_ACCOUNTS.jobs]);
  });
});

describe('Jobs instructions: accounts in the order and with the flags of the Rust structs', () => {
  it('list: job(w,s) market(w) run(w,s) user(w) vault(w) payer(w,s) rewards_reflection(w) rewards_vault(w) authority(s) rewards_program token_program system_program', () => {
    const a = {
      job: k(),
      market: k(),
      run: k(),
      user: k(),
      vault: k(),
      payer: k(),
      rewardsReflection: k(),
      rewardsVault: k(),
      authority: k(),
    };
    const ix = jobsInstruction('list', a, { ipfsJob: new Uint8Array(32).fill(1), timeout: 3600 }, ids.jobs);
    expect(ix.programId.equals(ids.jobs)).toBe(true);
    expect(ix.keys.map((key) => key.pubkey.toBase58())).toEqual(
      [
        a.job,
        a.market,
        a.run,
        a.user,
        a.vault,
        a.payer,
        a.rewardsReflection,
        a.rewardsVault,
        a.authority,
        ids.rewards,
        TOKEN,
        SystemProgram.programId,
      ].map((p) => p.toBase58()),
    );
    expect(meta(ix)).toEqual(['ws', 'w-', 'ws', 'w-', 'w-', 'ws', 'w-', 'w-', '-s', '--', '--', '--']);
    expect(Buffer.from(ix.data).toString('hex')).toBe(`36aec14311298426${'01'.repeat(32)}100e000000000000`);
  });

  it('work: run(w,s) market(w) payer(w,s) stake nft metadata authority(s) system_program', () => {
    const ix = jobsInstruction(
      'work',
      {
        run: k(),
        market: k(),
        payer: k(),
        stake: k(),
        nft: k(),
        metadata: SystemProgram.programId,
        authority: k(),
      },
      {},
    );
    expect(meta(ix)).toEqual(['ws', 'w-', 'ws', '--', '--', '--', '-s', '--']);
    expect(ix.keys[7]!.pubkey.equals(SystemProgram.programId)).toBe(true);
  });

  it('finish: job(w) run(w) market vault(w) deposit(w) user(w) payer_run(w) payer_job(w) authority(s) token_program', () => {
    const a = {
      job: k(),
      run: k(),
      market: k(),
      vault: k(),
      deposit: k(),
      user: k(),
      payerRun: k(),
      payerJob: k(),
      authority: k(),
    };
    const ix = jobsInstruction('finish', a, { ipfsResult: new Uint8Array(32).fill(2) });
    expect(ix.keys.map((key) => key.pubkey.toBase58())).toEqual(
      [a.job, a.run, a.market, a.vault, a.deposit, a.user, a.payerRun, a.payerJob, a.authority, TOKEN].map(
        (p) => p.toBase58(),
      ),
    );
    expect(meta(ix)).toEqual(['w-', 'w-', '--', 'w-', 'w-', 'w-', 'w-', 'w-', '-s', '--']);
  });

  it.each([
    ['end', ['w-', '--', 'w-', 'w-', 'w-', 'w-', 'w-', 'ws', '--']],
    ['delist', ['w-', 'w-', 'w-', 'w-', 'w-', '--', 'ws']],
    ['recover', ['w-', '--', 'w-', 'w-', 'w-', '-s', '--']],
    ['extend', ['w-', '--', 'w-', 'w-', 'w-', 'w-', '-s', '-s', '--', '--']],
    ['claim', ['w-', 'ws', '--', '--', '--', '--', 'ws', '-s', '--']],
    ['quit', ['w-', 'w-', 'w-', '-s']],
    ['stop', ['w-', '--', '-s']],
    ['complete', ['w-', '-s']],
    ['clean', ['w-', '--', 'w-']],
    ['open', ['--', 'ws', 'w-', 'ws', '--', '--', '--', '--']],
  ] as const)('%s has the flags of the program', (name, flags) => {
    const definition = NOSANA_JOBS_IDL.instructions.find((ix) => ix.name === name)!;
    const accounts = Object.fromEntries(
      definition.accounts.map((a) => [a.name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), k()]),
    );
    const args = Object.fromEntries(
      definition.args.map((a) => [
        a.name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
        typeof a.type === 'object' ? new Uint8Array(32) : 1,
      ]),
    );
    expect(meta(jobsInstruction(name, accounts as never, args as never))).toEqual(flags);
  });

  it('open uses the rent sysvar, system and token programs by default', () => {
    const ix = jobsInstruction(
      'open',
      { mint: ids.nosMint, market: k(), vault: k(), authority: k(), accessKey: SystemProgram.programId },
      { jobExpiration: 86_400, jobPrice: 115n, jobTimeout: 7200, jobType: 0, nodeXnosMinimum: 0n },
    );
    expect(ix.keys.slice(5).map((key) => key.pubkey.toBase58())).toEqual(
      [SYSVAR_RENT_PUBKEY, SystemProgram.programId, TOKEN].map((p) => p.toBase58()),
    );
  });

  it('explains a missing account or a bad argument with CHAIN__INSTRUCTION_INVALID', () => {
    expect(() => jobsInstruction('quit', { job: k(), run: k(), payer: k() } as never, {})).toThrowError(
      'quit: account authority is required',
    );
    const error = (() => {
      try {
        jobsInstruction(
          'extend',
          {
            job: k(),
            market: k(),
            user: k(),
            vault: k(),
            rewardsReflection: k(),
            rewardsVault: k(),
            authority: k(),
            payer: k(),
          },
          { timeout: -1n << 70n },
        );
      } catch (caught) {
        return caught;
      }
    })();
    expect(isNosanaError(error, 'CHAIN__INSTRUCTION_INVALID')).toBe(true);
  });
});

describe('instruction data', () => {
  const coder = new BorshCoder(NOSANA_JOBS_IDL as unknown as Idl);
  test.prop([fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.bigInt({ min: 0n, max: (1n << 63n) - 1n })])(
    'list encodes like Anchor and decodes back',
    (ipfsJob, timeout) => {
      const ix = jobsInstruction(
        'list',
        {
          job: k(),
          market: k(),
          run: k(),
          user: k(),
          vault: k(),
          payer: k(),
          rewardsReflection: k(),
          rewardsVault: k(),
          authority: k(),
        },
        { ipfsJob, timeout },
      );
      const anchor = coder.instruction.decode(Buffer.from(ix.data));
      if (!anchor) throw new Error('Anchor could not decode the instruction');
      expect(anchor.name).toBe('list');
      expect((anchor.data as { timeout: { toString(): string } }).timeout.toString()).toBe(
        timeout.toString(),
      );
      expect(decodeInstruction(NOSANA_JOBS_IDL, ix.data)).toEqual({
        name: 'list',
        args: { ipfsJob, timeout },
        accounts: [
          'job',
          'market',
          'run',
          'user',
          'vault',
          'payer',
          'rewardsReflection',
          'rewardsVault',
          'authority',
          'rewardsProgram',
          'tokenProgram',
          'systemProgram',
        ],
      });
    },
  );

  it('decodes u8/u64/i64/u128 arguments of open and negative i64 values', () => {
    const ix = jobsInstruction(
      'open',
      { mint: k(), market: k(), vault: k(), authority: k(), accessKey: k() },
      { jobExpiration: -5, jobPrice: 115n, jobTimeout: 7200, jobType: 4, nodeXnosMinimum: 1n << 100n },
    );
    expect(decodeInstruction(NOSANA_JOBS_IDL, ix.data).args).toEqual({
      jobExpiration: -5n,
      jobPrice: 115n,
      jobTimeout: 7200n,
      jobType: 4,
      nodeXnosMinimum: 1n << 100n,
    });
  });

  it('rejects unknown discriminators and short data', () => {
    expect(() => decodeInstruction(NOSANA_JOBS_IDL, new Uint8Array(8))).toThrowError(
      /unknown instruction for nosana_jobs/,
    );
    const ix = jobsInstruction(
      'extend',
      {
        job: k(),
        market: k(),
        user: k(),
        vault: k(),
        rewardsReflection: k(),
        rewardsVault: k(),
        authority: k(),
        payer: k(),
      },
      { timeout: 10 },
    );
    expect(() => decodeInstruction(NOSANA_JOBS_IDL, ix.data.subarray(0, 12))).toThrowError(/too short/);
    // A byte array as the last argument is checked too (Anchor fails to deserialize it).
    const complete = jobsInstruction(
      'complete',
      { job: k(), authority: k() },
      { ipfsResult: new Uint8Array(32).fill(5) },
    );
    expect(() => decodeInstruction(NOSANA_JOBS_IDL, complete.data.subarray(0, 8 + 31))).toThrowError(
      /complete: instruction data is too short/,
    );
    expect(decodeInstruction(NOSANA_JOBS_IDL, complete.data).args).toEqual({
      ipfsResult: new Uint8Array(32).fill(5),
    });
  });

  it('builds staking instructions from their IDL', () => {
    const ix = stakingInstruction(
      'stake',
      { mint: ids.nosMint, user: k(), vault: k(), stake: k(), authority: k() },
      { amount: 0, duration: 14 * 86_400 },
    );
    expect(ix.programId.equals(ids.staking)).toBe(true);
    expect(ix.data.length).toBe(8 + 8 + 16);
  });
});
