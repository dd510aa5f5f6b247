/**
 * What Anchor does before a handler runs — load accounts, check owners, discriminators, signers, mutability,
 * `init` accounts — for programs emulated in TypeScript, with Anchor's error numbers and log lines.
 */
import {
  ANCHOR_ERRORS,
  COMMON_PROGRAM_ERRORS,
  type DecodedInstruction,
  decodeInstruction,
  isAccountOf,
  JOBS_PROGRAM_ERRORS,
  NOSANA_POOLS_IDL,
  type NosanaAccountName,
  type NosanaProgramIds,
  STAKING_PROGRAM_ERRORS,
} from '@nosana/chain';
import { AccountLayout, MINT_SIZE, MintLayout, type RawAccount, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import { type AccountMeta, type PublicKey, SystemProgram } from '@solana/web3.js';
import { anchorError, type InstructionContext, ProgramFailure, ProgramPanic } from '../solana/emulation.js';

type ErrorTable = Record<number, { name: string; message: string }>;

/** Anchor names accounts by their Rust field: `rewardsReflection` → `rewards_reflection`. */
const fieldName = (account?: string) => account?.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const byName = (table: ErrorTable, name: string) => {
  const entry = Object.entries(table).find(([, info]) => info.name === name);
  if (!entry) throw new ProgramPanic(`unknown program error ${name}`);
  return { number: Number(entry[0]), message: entry[1].message };
};

/** A Jobs program error (`NosanaJobsError`). */
export const jobsError = (name: string, account?: string): ProgramFailure => {
  const { number, message } = byName(JOBS_PROGRAM_ERRORS, name);
  return anchorError(number, name, message, fieldName(account));
};
/** An error shared by the Nosana programs (`NosanaError` of nosana-common). */
export const commonError = (name: string, account?: string): ProgramFailure => {
  const { number, message } = byName(COMMON_PROGRAM_ERRORS, name);
  return anchorError(number, name, message, fieldName(account));
};
/** A Staking program error (`NosanaStakingError`). */
export const stakingError = (name: string, account?: string): ProgramFailure => {
  const { number, message } = byName(STAKING_PROGRAM_ERRORS, name);
  return anchorError(number, name, message, fieldName(account));
};
/** A Pools program error (`NosanaPoolsError`, numbered in the Pools IDL). */
export const poolsError = (name: string, account?: string): ProgramFailure => {
  const table: ErrorTable = Object.fromEntries(
    NOSANA_POOLS_IDL.errors.map((error) => [error.code, { name: error.name, message: error.msg }]),
  );
  const { number, message } = byName(table, name);
  return anchorError(number, name, message, fieldName(account));
};
/** An Anchor framework error (constraints, account checks). */
export const frameworkError = (name: string, account?: string): ProgramFailure => {
  const { number, message } = byName(ANCHOR_ERRORS, name);
  return anchorError(number, name, message, fieldName(account));
};

/** `require!(condition, error)`. */
export function ensure(condition: boolean, error: () => ProgramFailure): asserts condition {
  if (!condition) throw error();
}

/** The instruction's accounts by (camelCase) IDL name, after Anchor's account-count and privilege checks. */
export interface Instruction {
  decoded: DecodedInstruction;
  account(name: string): AccountMeta;
}

/**
 * Decodes an instruction with an IDL and names its accounts. Too few accounts → AccountNotEnoughKeys; unknown
 * discriminator → InstructionFallbackNotFound; short data → InstructionDidNotDeserialize.
 */
export function readInstruction(
  context: InstructionContext,
  idl: Parameters<typeof decodeInstruction>[0],
): Instruction {
  let decoded: DecodedInstruction;
  try {
    decoded = decodeInstruction(idl, context.data);
  } catch (error) {
    throw frameworkError(
      (error as { code?: string }).code === 'CHAIN__INSTRUCTION_UNKNOWN'
        ? 'InstructionFallbackNotFound'
        : 'InstructionDidNotDeserialize',
    );
  }
  context.log(`Instruction: ${decoded.name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase())}`);
  if (context.accounts.length < decoded.accounts.length) throw frameworkError('AccountNotEnoughKeys');
  const metas = new Map(decoded.accounts.map((name, i) => [name, context.accounts[i]!]));
  return { decoded, account: (name) => metas.get(name)! };
}

/** `Signer<'info>`: the account signed the transaction. */
export function signer(meta: AccountMeta, name: string): PublicKey {
  ensure(meta.isSigner, () => frameworkError('AccountNotSigner', name));
  return meta.pubkey;
}

/** `#[account(mut)]`. */
export function writable(meta: AccountMeta, name: string): PublicKey {
  ensure(meta.isWritable, () => frameworkError('ConstraintMut', name));
  return meta.pubkey;
}

/**
 * Anchor ≥ 1.0's duplicate check, run after `init` accounts are created and before the other constraints: no
 * two of the instruction's `mut` typed accounts (`Account<T>`, not `dup`, not `init`; Signer and
 * UncheckedAccount fields are exempt) may be the same account.
 */
export function noDuplicateMutable(ix: Instruction, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    const key = ix.account(name).pubkey.toBase58();
    ensure(!seen.has(key), () => frameworkError('ConstraintDuplicateMutableAccount', name));
    seen.add(key);
  }
}

/** `Sysvar<'info, T>`: the account is the sysvar. */
export function expectSysvar(meta: AccountMeta, sysvar: PublicKey, name: string): void {
  ensure(meta.pubkey.equals(sysvar), () => frameworkError('AccountSysvarMismatch', name));
}

/** `Program<'info, T>` / `address = …`: the account is the expected one. */
export function expectAddress(
  meta: AccountMeta,
  expected: PublicKey,
  name: string,
  error?: () => ProgramFailure,
): void {
  ensure(
    meta.pubkey.equals(expected),
    error ??
      (() => frameworkError(name.endsWith('Program') ? 'InvalidProgramId' : 'ConstraintAddress', name)),
  );
}

/** `Account<'info, T>` of a program account: exists, owned by `owner`, has T's discriminator. */
export function programAccount<T>(
  context: InstructionContext,
  meta: AccountMeta,
  name: string,
  owner: PublicKey,
  type: NosanaAccountName,
  decode: (data: Uint8Array) => T,
): T {
  const account = context.getAccount(meta.pubkey);
  ensure(account !== null && (account.lamports > 0n || account.data.length > 0), () =>
    frameworkError('AccountNotInitialized', name),
  );
  ensure(account.owner.equals(owner), () => frameworkError('AccountOwnedByWrongProgram', name));
  ensure(isAccountOf(type, account.data), () => frameworkError('AccountDiscriminatorMismatch', name));
  try {
    return decode(account.data);
  } catch {
    throw frameworkError('AccountDidNotDeserialize', name);
  }
}

/** `Account<'info, TokenAccount>`: an initialized SPL token account. */
export function tokenAccount(context: InstructionContext, meta: AccountMeta, name: string): RawAccount {
  const account = context.getAccount(meta.pubkey);
  ensure(account !== null, () => frameworkError('AccountNotInitialized', name));
  ensure(account.owner.equals(TOKEN_PROGRAM_ID), () => frameworkError('AccountOwnedByWrongProgram', name));
  ensure(account.data.length === AccountLayout.span, () => frameworkError('AccountDidNotDeserialize', name));
  const decoded = AccountLayout.decode(Buffer.from(account.data));
  ensure(decoded.state !== 0, () => frameworkError('AccountNotInitialized', name));
  return decoded;
}

/**
 * `Account<'info, Mint>`: an initialized SPL mint.
 *
 * @example
 * ```ts
 * mintAccount(context, ix.account('mint'), 'mint');
 * ```
 */
export function mintAccount(context: InstructionContext, meta: AccountMeta, name: string): void {
  const account = context.getAccount(meta.pubkey);
  ensure(account !== null, () => frameworkError('AccountNotInitialized', name));
  ensure(account.owner.equals(TOKEN_PROGRAM_ID), () => frameworkError('AccountOwnedByWrongProgram', name));
  ensure(account.data.length === MINT_SIZE, () => frameworkError('AccountDidNotDeserialize', name));
  ensure(MintLayout.decode(Buffer.from(account.data)).isInitialized, () =>
    frameworkError('AccountNotInitialized', name),
  );
}

/**
 * `#[account(init, payer, space)]`: creates the account with the System program, owned by `owner`. The new
 * account signs (a fresh keypair) or, for a PDA, `seeds` sign. Like Anchor, an account that already holds
 * lamports (someone sent SOL to the address) is topped up to rent exemption, allocated and assigned instead.
 */
export function initAccount(
  context: InstructionContext,
  {
    account,
    payer,
    space,
    owner,
    seeds,
  }: { account: PublicKey; payer: PublicKey; space: number; owner: PublicKey; seeds?: Uint8Array[] },
): void {
  const existing = context.getAccount(account);
  const signerSeeds = seeds ? [seeds] : [];
  if (existing === null || existing.lamports === 0n) {
    // Anchor's init fails inside the System program ("already in use") when the account has data.
    ensure(
      existing === null || existing.data.length === 0,
      () =>
        new ProgramFailure({ Custom: 0 }, [
          `Program log: Allocate: account Address { address: ${account.toBase58()}, base: None } already in use`,
        ]),
    );
    context.invoke(
      [
        SystemProgram.createAccount({
          fromPubkey: payer,
          newAccountPubkey: account,
          lamports: Number(context.rentExempt(space)),
          space,
          programId: owner,
        }),
      ],
      signerSeeds,
    );
    return;
  }
  ensure(!payer.equals(account), () => frameworkError('TryingToInitPayerAsProgramAccount'));
  const rent = context.rentExempt(space);
  const required = (rent > 1n ? rent : 1n) - existing.lamports;
  context.invoke(
    [
      ...(required > 0n
        ? [SystemProgram.transfer({ fromPubkey: payer, toPubkey: account, lamports: required })]
        : []),
      SystemProgram.allocate({ accountPubkey: account, space }),
      SystemProgram.assign({ accountPubkey: account, programId: owner }),
    ],
    signerSeeds,
  );
}

/**
 * An instruction's accounts by their IDL names, with Anchor's account checks: the base of the emulated programs'
 * per-instruction helpers (each adds its own account loaders and savers).
 *
 * @example
 * ```ts
 * class PoolsInstruction extends NamedAccounts { pool() { return programAccount(this.context, this.meta('pool'), …); } }
 * ```
 */
export class NamedAccounts {
  constructor(
    readonly context: InstructionContext,
    readonly ix: Instruction,
    readonly ids: NosanaProgramIds,
  ) {}

  meta(name: string): AccountMeta {
    return this.ix.account(name);
  }
  key(name: string): PublicKey {
    return this.meta(name).pubkey;
  }
  /** `#[account(mut)]`. */
  mut(name: string): void {
    writable(this.meta(name), name);
  }
  /** `Signer<'info>`: the account's key. */
  signer(name: string): PublicKey {
    return signer(this.meta(name), name);
  }
  /** `Account<'info, TokenAccount>`. */
  token(name: string): RawAccount {
    return tokenAccount(this.context, this.meta(name), name);
  }
  /** The account's data length (what a saver writes back into). */
  space(name: string): number {
    return this.context.getAccount(this.key(name))!.data.length;
  }
}
