/**
 * The program errors of the Nosana programs: the Jobs program's own errors, the errors shared by all Nosana
 * programs, the Staking program's, and Anchor's framework errors. Their codes are declared in `../errors.ts`.
 */
/** A program error's name and message. */
export interface ProgramErrorInfo {
  name: string;
  message: string;
}

const table = (start: number, entries: Array<[string, string]>): Record<number, ProgramErrorInfo> =>
  Object.fromEntries(entries.map(([name, message], i) => [start + i, { name, message }]));

/** Errors of the Jobs program (`NosanaJobsError`, from 6000). */
export const JOBS_PROGRAM_ERRORS = table(6000, [
  ['InvalidMarketAccount', 'This market account is not valid.'],
  ['MarketInWrongState', 'This market does not have the right status.'],
  ['NotInMarketQueue', 'Account cannot be find account in market queue.'],
  ['InvalidJobAccount', 'This job account is not valid.'],
  ['JobInWrongState', 'This job does not have the right status.'],
  ['JobNotExpired', 'The job has not yet expired.'],
  ['JobResultNull', 'The job result can not be null.'],
  ['JobInvalidProject', 'The job has a different project owner.'],
  ['JobTimeoutNotGreater', 'The new job timeout should be larger than the current one.'],
  ['JobInvalidRunAccount', 'The run account does not match the job.'],
  ['JobResultsAlreadySet', 'The job results are already set.'],
  ['NodeQueueDoesNotMatch', 'This node queue does not match.'],
  ['NodeStakeUnauthorized', 'This node is not authorizing this stake.'],
  ['NodeNotEnoughStake', 'This node has not staked enough tokens.'],
  ['NodeAlreadyQueued', 'This node is already present in the queue.'],
  ['NodeNftWrongMetadata', 'This metadata does not have the correct address.'],
  ['NodeNftWrongOwner', 'This NFT is not owned by this node.'],
  ['NodeNftInvalidAmount', 'Access NFT amount cannot be 0.'],
  ['NodeKeyInvalidCollection', 'This access key does not belong to a verified collection.'],
]);

/** Errors shared by all Nosana programs (`NosanaError` of nosana-common; also numbered from 6000). */
export const COMMON_PROGRAM_ERRORS = table(6000, [
  ['Unauthorized', 'This account is not authorized to perform this action.'],
  ['InvalidOwner', 'This account is owned by an invalid program.'],
  ['LamportsNonNull', 'This account has lamports.'],
  ['MissingSignature', 'This account is missing a signature.'],
  ['InvalidAccount', 'This account is not valid.'],
  ['InvalidTokenAccount', 'This token account is not valid.'],
  ['InvalidMint', 'This mint is invalid.'],
  ['InvalidVault', 'This account has an invalid vault.'],
  ['InvalidPayer', 'This payer account is not valid.'],
  ['VaultEmpty', 'This vault is empty.'],
  ['VaultNotEmpty', 'This vault is not empty.'],
  ['InvalidATA', 'This Associated Token Account is not valid.'],
]);

/** Errors of the Staking program (`NosanaStakingError`, from 6000). */
export const STAKING_PROGRAM_ERRORS = table(6000, [
  ['AmountNotEnough', 'This amount is not enough.'],
  ['AlreadyInitialized', 'This stake is already running.'],
  ['AlreadyClaimed', 'This stake is already claimed.'],
  ['AlreadyStaked', 'This stake is already staked.'],
  ['AlreadyUnstaked', 'This stake is already unstaked.'],
  ['NotUnstaked', 'This stake is not yet unstaked.'],
  ['Locked', 'This stake is still locked.'],
  ['DurationTooShort', 'This stake duration is not long enough.'],
  ['DurationTooLong', 'This stake duration is too long.'],
  ['DoesNotExist', 'This stake account does not exist.'],
  ['Decreased', 'This stake is not allowed to decrease.'],
  ['HasReward', 'This stake still has a reward account.'],
  ['InvalidStakeAccount', 'This stake does not belong to the authority.'],
]);

/** The Anchor (1.0) framework errors a Nosana program can return (constraints and account checks). */
export const ANCHOR_ERRORS: Record<number, ProgramErrorInfo> = {
  101: { name: 'InstructionFallbackNotFound', message: 'Fallback functions are not supported' },
  102: {
    name: 'InstructionDidNotDeserialize',
    message: 'The program could not deserialize the given instruction',
  },
  2000: { name: 'ConstraintMut', message: 'A mut constraint was violated' },
  2001: { name: 'ConstraintHasOne', message: 'A has one constraint was violated' },
  2002: { name: 'ConstraintSigner', message: 'A signer constraint was violated' },
  2003: { name: 'ConstraintRaw', message: 'A raw constraint was violated' },
  2004: { name: 'ConstraintOwner', message: 'An owner constraint was violated' },
  2006: { name: 'ConstraintSeeds', message: 'A seeds constraint was violated' },
  2011: { name: 'ConstraintClose', message: 'A close constraint was violated' },
  2012: { name: 'ConstraintAddress', message: 'An address constraint was violated' },
  2014: { name: 'ConstraintTokenMint', message: 'A token mint constraint was violated' },
  2015: { name: 'ConstraintTokenOwner', message: 'A token owner constraint was violated' },
  // Anchor ≥ 1.0 rejects the same account passed twice to `mut` fields that are not marked `dup`.
  2040: {
    name: 'ConstraintDuplicateMutableAccount',
    message: 'A duplicate mutable account constraint was violated',
  },
  3001: { name: 'AccountDiscriminatorNotFound', message: 'No discriminator was found on the account' },
  3002: {
    name: 'AccountDiscriminatorMismatch',
    message: 'Account discriminator did not match what was expected',
  },
  3003: { name: 'AccountDidNotDeserialize', message: 'Failed to deserialize the account' },
  3004: { name: 'AccountDidNotSerialize', message: 'Failed to serialize the account' },
  3005: { name: 'AccountNotEnoughKeys', message: 'Not enough account keys given to the instruction' },
  3006: { name: 'AccountNotMutable', message: 'The given account is not mutable' },
  3007: {
    name: 'AccountOwnedByWrongProgram',
    message: 'The given account is owned by a different program than expected',
  },
  3008: { name: 'InvalidProgramId', message: 'Program ID was not as expected' },
  3009: { name: 'InvalidProgramExecutable', message: 'Program account is not executable' },
  3010: { name: 'AccountNotSigner', message: 'The given account did not sign' },
  3012: {
    name: 'AccountNotInitialized',
    message: 'The program expected this account to be already initialized',
  },
  3015: {
    name: 'AccountSysvarMismatch',
    message: 'The given public key does not match the required sysvar',
  },
  4101: {
    name: 'TryingToInitPayerAsProgramAccount',
    message: 'You cannot/should not initialize the payer account as a program account',
  },
};

/** `JobInWrongState` → `CHAIN__PROGRAM_JOB_IN_WRONG_STATE`. */
export function programErrorCode(errorName: string): `CHAIN__PROGRAM_${string}` {
  const snake = errorName
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
  return `CHAIN__PROGRAM_${snake}`;
}

/** Every program error by name (names are unique across the tables above). */
export function programErrorByName(name: string): (ProgramErrorInfo & { number: number }) | undefined {
  for (const source of [JOBS_PROGRAM_ERRORS, COMMON_PROGRAM_ERRORS, STAKING_PROGRAM_ERRORS, ANCHOR_ERRORS]) {
    for (const [number, info] of Object.entries(source))
      if (info.name === name) return { ...info, number: Number(number) };
  }
  return undefined;
}
