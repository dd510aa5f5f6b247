/**
 * Anchor IDL accounts for the Nosana programs, so clients that call Anchor's `Program.fetchIdl` (the published
 * `@nosana/sdk` does before every Jobs call) find the IDL on the localnet as they do on mainnet. The account sits
 * at `createWithSeed(findProgramAddress([], programId), "anchor:idl", programId)` and holds Anchor's `IdlAccount`:
 * an 8-byte discriminator, the authority, a u32 length and the zlib-compressed JSON. The JSON is the legacy IDL
 * format (Anchor ≤ 0.29, the one the deployed programs carry), converted from chain's spec-0.1.0 IDLs.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import {
  NOSANA_JOBS_IDL,
  NOSANA_POOLS_IDL,
  NOSANA_REWARDS_IDL,
  NOSANA_STAKING_IDL,
  type NosanaProgramIds,
} from '@nosana/chain';
import { PublicKey } from '@solana/web3.js';
import type { Bank } from './solana/bank.js';

/** The subset of a spec-0.1.0 IDL type this converter reads. */
type SpecType =
  | string
  | { array: readonly [SpecType, number] }
  | { vec: SpecType }
  | { option: SpecType }
  | { defined: { name: string } | string };

interface SpecField {
  readonly name: string;
  readonly type: SpecType;
}

/** The subset of a spec-0.1.0 (Anchor ≥ 0.30) IDL the converter reads. */
export interface SpecIdl {
  readonly address: string;
  readonly metadata: { readonly name: string; readonly version: string };
  readonly instructions: ReadonlyArray<{
    readonly name: string;
    readonly accounts: ReadonlyArray<{
      readonly name: string;
      readonly writable?: boolean;
      readonly signer?: boolean;
    }>;
    readonly args: readonly SpecField[];
  }>;
  readonly accounts?: ReadonlyArray<{ readonly name: string }>;
  readonly errors?: ReadonlyArray<{ readonly code: number; readonly name: string; readonly msg?: string }>;
  readonly types?: ReadonlyArray<{
    readonly name: string;
    readonly type: {
      readonly kind: string;
      readonly fields?: readonly SpecField[];
      readonly variants?: ReadonlyArray<{ readonly name: string }>;
    };
  }>;
}

/** An IDL in the legacy JSON format Anchor ≤ 0.29 reads (names camelCase, `publicKey`, `isMut` / `isSigner`). */
export interface LegacyIdl {
  version: string;
  name: string;
  instructions: Array<{
    name: string;
    accounts: Array<{ name: string; isMut: boolean; isSigner: boolean }>;
    args: Array<{ name: string; type: unknown }>;
  }>;
  accounts: Array<{ name: string; type: unknown }>;
  types: Array<{ name: string; type: unknown }>;
  errors: Array<{ code: number; name: string; msg?: string }>;
  metadata: { address: string };
}

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function legacyType(type: SpecType): unknown {
  if (typeof type === 'string') return type === 'pubkey' ? 'publicKey' : type;
  if ('array' in type) return { array: [legacyType(type.array[0]), type.array[1]] };
  if ('vec' in type) return { vec: legacyType(type.vec) };
  if ('option' in type) return { option: legacyType(type.option) };
  return { defined: typeof type.defined === 'string' ? type.defined : type.defined.name };
}

const legacyFields = (fields: readonly SpecField[] = []) =>
  fields.map((field) => ({ name: camel(field.name), type: legacyType(field.type) }));

function legacyTypeDef(def: NonNullable<SpecIdl['types']>[number]) {
  const type =
    def.type.kind === 'struct'
      ? { kind: 'struct', fields: legacyFields(def.type.fields) }
      : { kind: def.type.kind, variants: (def.type.variants ?? []).map((v) => ({ name: v.name })) };
  return { name: def.name, type };
}

/**
 * Converts a spec-0.1.0 IDL (Anchor ≥ 0.30) to the legacy format that Anchor 0.28 clients parse. Instruction,
 * account and argument names become camelCase (Anchor 0.28 derives `global:<snake_case>` from them), `pubkey`
 * becomes `publicKey`, account types move inline into `accounts`.
 *
 * @example
 * ```ts
 * const legacy = toLegacyIdl(NOSANA_JOBS_IDL);
 * legacy.instructions[0].name; // 'open'
 * ```
 */
export function toLegacyIdl(idl: SpecIdl): LegacyIdl {
  const accountNames = new Set((idl.accounts ?? []).map((account) => account.name));
  const types = idl.types ?? [];
  return {
    version: idl.metadata.version,
    name: idl.metadata.name,
    instructions: idl.instructions.map((ix) => ({
      name: camel(ix.name),
      accounts: ix.accounts.map((account) => ({
        name: camel(account.name),
        isMut: account.writable === true,
        isSigner: account.signer === true,
      })),
      args: legacyFields(ix.args),
    })),
    accounts: types.filter((def) => accountNames.has(def.name)).map(legacyTypeDef),
    types: types.filter((def) => !accountNames.has(def.name)).map(legacyTypeDef),
    errors: (idl.errors ?? []).map((error) => ({ ...error })),
    metadata: { address: idl.address },
  };
}

/**
 * The address of a program's Anchor IDL account: `createWithSeed(findProgramAddress([], programId), "anchor:idl",
 * programId)`.
 *
 * @example
 * ```ts
 * const address = await idlAccountAddress(getProgramIds().jobs);
 * ```
 */
export async function idlAccountAddress(programId: PublicKey): Promise<PublicKey> {
  const [base] = PublicKey.findProgramAddressSync([], programId);
  return PublicKey.createWithSeed(base, 'anchor:idl', programId);
}

/** The 8-byte discriminator of Anchor's `IdlAccount`: sha256("account:IdlAccount")[0..8]. */
const IDL_ACCOUNT_DISCRIMINATOR = createHash('sha256').update('account:IdlAccount').digest().subarray(0, 8);

/**
 * Encodes an IDL account's data: discriminator, authority, u32 length, zlib-compressed JSON.
 *
 * @example
 * ```ts
 * const data = encodeIdlAccount(toLegacyIdl(NOSANA_JOBS_IDL), ids.authority);
 * ```
 */
export function encodeIdlAccount(idl: unknown, authority: PublicKey): Buffer {
  const compressed = deflateSync(Buffer.from(JSON.stringify(idl), 'utf8'));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(compressed.length);
  return Buffer.concat([IDL_ACCOUNT_DISCRIMINATOR, authority.toBuffer(), length, compressed]);
}

/** The programs whose IDL accounts the localnet writes: the emulated ones. */
const IDLS = [
  ['jobs', NOSANA_JOBS_IDL],
  ['staking', NOSANA_STAKING_IDL],
  ['rewards', NOSANA_REWARDS_IDL],
  ['pools', NOSANA_POOLS_IDL],
] as const;

/** Parameters of {@link writeIdlAccounts}. */
export interface WriteIdlAccountsParameters {
  bank: Bank;
  ids: NosanaProgramIds;
}

/** What {@link writeIdlAccounts} wrote: program id → IDL account address. */
export type WriteIdlAccountsResult = Record<'jobs' | 'staking' | 'rewards' | 'pools', string>;

/**
 * Writes (or rewrites) the IDL accounts of the Jobs, Staking, Rewards and Pools programs, with the program ids of `ids`
 * (devnet's Jobs program has its own id) and `ids.authority` as the IDL authority. Called at genesis and whenever a
 * ledger is loaded, so ledgers made before the accounts existed get them too.
 *
 * @example
 * ```ts
 * await writeIdlAccounts({ bank, ids: getProgramIds('mainnet') });
 * ```
 */
export async function writeIdlAccounts({
  bank,
  ids,
}: WriteIdlAccountsParameters): Promise<WriteIdlAccountsResult> {
  const written = {} as WriteIdlAccountsResult;
  for (const [program, idl] of IDLS) {
    const programId = ids[program];
    const legacy = toLegacyIdl({ ...(idl as SpecIdl), address: programId.toBase58() });
    const data = encodeIdlAccount(legacy, ids.authority);
    const address = await idlAccountAddress(programId);
    bank.setAccount(address, {
      lamports: bank.rentExempt(data.length),
      owner: programId.toBase58(),
      data,
      executable: false,
    });
    written[program] = address.toBase58();
  }
  return written;
}
