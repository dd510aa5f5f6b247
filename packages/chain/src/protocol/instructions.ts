/**
 * Instruction builders and decoders driven by the IDLs: account order, signer and writable flags, and argument
 * encoding all come from one definition (idl.ts), and the TypeScript types of accounts and arguments are
 * derived from it.
 */

import { NosanaError } from '@nosana/core';
import { PublicKey, TransactionInstruction } from '@solana/web3.js';
import '../errors.js';
import { NOSANA_JOBS_IDL, NOSANA_POOLS_IDL, NOSANA_REWARDS_IDL, NOSANA_STAKING_IDL } from './idl.js';

type AnyIdl =
  | typeof NOSANA_JOBS_IDL
  | typeof NOSANA_STAKING_IDL
  | typeof NOSANA_REWARDS_IDL
  | typeof NOSANA_POOLS_IDL;
type Camel<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<Camel<Tail>>}`
  : S;
type IdlArgType = 'bool' | 'u8' | 'u64' | 'i64' | 'u128' | { readonly array: readonly ['u8', 32] };
type ArgValue<T> = T extends 'bool'
  ? boolean
  : T extends 'u8'
    ? number
    : T extends 'u64' | 'i64' | 'u128'
      ? bigint | number
      : Uint8Array;
type InstructionOf<I extends AnyIdl, N> = Extract<I['instructions'][number], { name: N }>;

/** The accounts of instruction `N` (camelCase); accounts with a fixed address (programs, sysvars) are optional. */
export type InstructionAccounts<I extends AnyIdl, N extends I['instructions'][number]['name']> = {
  [A in InstructionOf<I, N>['accounts'][number] as A extends { address: string }
    ? never
    : Camel<A['name']>]: PublicKey;
} & {
  [A in InstructionOf<I, N>['accounts'][number] as A extends { address: string }
    ? Camel<A['name']>
    : never]?: PublicKey;
};

/** The arguments of instruction `N` (camelCase). */
export type InstructionArgs<I extends AnyIdl, N extends I['instructions'][number]['name']> = {
  [A in InstructionOf<I, N>['args'][number] as Camel<A['name']>]: ArgValue<A['type']>;
};

export type JobsInstructionName = (typeof NOSANA_JOBS_IDL)['instructions'][number]['name'];
export type StakingInstructionName = (typeof NOSANA_STAKING_IDL)['instructions'][number]['name'];
export type RewardsInstructionName = (typeof NOSANA_REWARDS_IDL)['instructions'][number]['name'];
export type PoolsInstructionName = (typeof NOSANA_POOLS_IDL)['instructions'][number]['name'];

const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function encodeArg(name: string, type: IdlArgType, value: unknown, out: number[]): void {
  const fail = (expected: string) => {
    throw new NosanaError('CHAIN__INSTRUCTION_INVALID', `argument ${camel(name)} must be ${expected}`, {
      instruction: name,
      field: camel(name),
    });
  };
  if (typeof type === 'object') {
    if (!(value instanceof Uint8Array) || value.length !== 32) fail('32 bytes');
    out.push(...(value as Uint8Array));
    return;
  }
  if (type === 'bool') {
    if (typeof value !== 'boolean') fail('true or false');
    out.push(value ? 1 : 0);
    return;
  }
  if (typeof value !== 'number' && typeof value !== 'bigint') fail('a number');
  const n = BigInt(value as number | bigint);
  const bytes = { u8: 1, u64: 8, i64: 8, u128: 16 }[type];
  const min = type === 'i64' ? -(1n << 63n) : 0n;
  const max = type === 'i64' ? (1n << 63n) - 1n : (1n << BigInt(bytes * 8)) - 1n;
  if (n < min || n > max) fail(`a ${type} (${min} to ${max})`);
  let unsigned = n < 0n ? (1n << 64n) + n : n;
  for (let i = 0; i < bytes; i++) {
    out.push(Number(unsigned & 0xffn));
    unsigned >>= 8n;
  }
}

function decodeArg(
  instruction: string,
  name: string,
  type: IdlArgType,
  data: Uint8Array,
  offset: number,
): [unknown, number] {
  const bytes = typeof type === 'object' ? 32 : { bool: 1, u8: 1, u64: 8, i64: 8, u128: 16 }[type];
  if (offset + bytes > data.length) {
    throw new NosanaError(
      'CHAIN__INSTRUCTION_INVALID',
      `${instruction}: instruction data too short for argument ${camel(name)}`,
      {
        instruction,
        field: camel(name),
      },
    );
  }
  if (typeof type === 'object') return [new Uint8Array(data.subarray(offset, offset + 32)), offset + 32];
  if (type === 'bool') return [data[offset] !== 0, offset + 1];
  let n = 0n;
  for (let i = bytes - 1; i >= 0; i--) n = (n << 8n) | BigInt(data[offset + i]!);
  if (type === 'i64' && n >= 1n << 63n) n -= 1n << 64n;
  return [type === 'u8' ? Number(n) : n, offset + bytes];
}

/**
 * Builds an instruction of a Nosana program from its IDL.
 *
 * @example
 * ```ts
 * const ix = buildInstruction(NOSANA_JOBS_IDL, 'finish', { job, run, market, vault, deposit, user, payerRun, payerJob, authority }, { ipfsResult }, ids.jobs);
 * ```
 */
export function buildInstruction<I extends AnyIdl, N extends I['instructions'][number]['name']>(
  idl: I,
  name: N,
  accounts: InstructionAccounts<I, N>,
  args: InstructionArgs<I, N>,
  programId: PublicKey = new PublicKey(idl.address),
): TransactionInstruction {
  const definition = idl.instructions.find((ix) => ix.name === name)!;
  const given = accounts as Record<string, PublicKey | undefined>;
  const keys = definition.accounts.map((account) => {
    const fixed = 'address' in account ? (account.address as string) : undefined;
    const pubkey = given[camel(account.name)] ?? (fixed ? new PublicKey(fixed) : undefined);
    if (!pubkey) {
      throw new NosanaError(
        'CHAIN__INSTRUCTION_INVALID',
        `${name}: account ${camel(account.name)} is required`,
        {
          instruction: name,
          field: camel(account.name),
        },
      );
    }
    return {
      pubkey,
      isSigner: 'signer' in account && account.signer === true,
      isWritable: 'writable' in account && account.writable === true,
    };
  });
  const data: number[] = [...definition.discriminator];
  for (const arg of definition.args) {
    encodeArg(arg.name, arg.type as IdlArgType, (args as Record<string, unknown>)[camel(arg.name)], data);
  }
  return new TransactionInstruction({ programId, keys, data: Buffer.from(data) });
}

/**
 * Builds a Jobs program instruction.
 *
 * @example
 * ```ts
 * const ix = jobsInstruction('work', { run: run.publicKey, market, payer: node, stake, nft: nodeNosAta, metadata: SystemProgram.programId, authority: node }, {}, ids.jobs);
 * ```
 */
export function jobsInstruction<N extends JobsInstructionName>(
  name: N,
  accounts: InstructionAccounts<typeof NOSANA_JOBS_IDL, N>,
  args: InstructionArgs<typeof NOSANA_JOBS_IDL, N>,
  programId?: PublicKey,
): TransactionInstruction {
  return buildInstruction(NOSANA_JOBS_IDL, name, accounts, args, programId);
}

/** Builds a Staking program instruction (see {@link jobsInstruction}). */
export function stakingInstruction<N extends StakingInstructionName>(
  name: N,
  accounts: InstructionAccounts<typeof NOSANA_STAKING_IDL, N>,
  args: InstructionArgs<typeof NOSANA_STAKING_IDL, N>,
  programId?: PublicKey,
): TransactionInstruction {
  return buildInstruction(NOSANA_STAKING_IDL, name, accounts, args, programId);
}

/** Builds a Rewards program instruction (see {@link jobsInstruction}). */
export function rewardsInstruction<N extends RewardsInstructionName>(
  name: N,
  accounts: InstructionAccounts<typeof NOSANA_REWARDS_IDL, N>,
  args: InstructionArgs<typeof NOSANA_REWARDS_IDL, N>,
  programId?: PublicKey,
): TransactionInstruction {
  return buildInstruction(NOSANA_REWARDS_IDL, name, accounts, args, programId);
}

/** Builds a Pools program instruction (see {@link jobsInstruction}). */
export function poolsInstruction<N extends PoolsInstructionName>(
  name: N,
  accounts: InstructionAccounts<typeof NOSANA_POOLS_IDL, N>,
  args: InstructionArgs<typeof NOSANA_POOLS_IDL, N>,
  programId?: PublicKey,
): TransactionInstruction {
  return buildInstruction(NOSANA_POOLS_IDL, name, accounts, args, programId);
}

/** A decoded instruction: its name, camelCase arguments and named account indexes. */
export interface DecodedInstruction<N extends string = string> {
  name: N;
  args: Record<string, unknown>;
  /** Account names (camelCase) in instruction order. */
  accounts: string[];
}

/**
 * Decodes instruction data of a Nosana program (the emulator and explorers use it).
 *
 * @example
 * ```ts
 * const { name, args } = decodeInstruction(NOSANA_JOBS_IDL, ix.data); // { name: 'list', args: { ipfsJob, timeout } }
 * ```
 */
export function decodeInstruction<I extends AnyIdl>(
  idl: I,
  data: Uint8Array,
): DecodedInstruction<I['instructions'][number]['name']> {
  const definition = idl.instructions.find((ix) => ix.discriminator.every((b, i) => data[i] === b));
  if (!definition) {
    throw new NosanaError('CHAIN__INSTRUCTION_UNKNOWN', `unknown instruction for ${idl.metadata.name}`, {
      discriminator: Buffer.from(data.subarray(0, 8)).toString('hex'),
    });
  }
  const args: Record<string, unknown> = {};
  let offset = 8;
  try {
    for (const arg of definition.args) {
      const [value, next] = decodeArg(definition.name, arg.name, arg.type as IdlArgType, data, offset);
      args[camel(arg.name)] = value;
      offset = next;
    }
  } catch (cause) {
    throw new NosanaError(
      'CHAIN__INSTRUCTION_INVALID',
      `${definition.name}: instruction data is too short for its arguments`,
      {
        instruction: definition.name,
      },
      { cause },
    );
  }
  return { name: definition.name, args, accounts: definition.accounts.map((a) => camel(a.name)) };
}
