/**
 * Solana transaction and instruction errors in their JSON-RPC shapes, from litesvm's numeric and class forms.
 */
import type {
  FailedTransactionMetadata,
  InstructionErrorCustom,
  TransactionErrorInstructionError,
} from './litesvm.js';

/** `TransactionError` as the JSON-RPC API reports it: a string, or an object such as `{ InstructionError: [0, …] }`. */
export type TransactionErrorJson = string | Record<string, unknown>;
/** `InstructionError` as the JSON-RPC API reports it. */
export type InstructionErrorJson = string | { Custom: number } | Record<string, unknown>;

// In the order of litesvm's const enums (TransactionErrorFieldless / InstructionErrorFieldless).
const TRANSACTION_ERRORS = [
  'AccountInUse',
  'AccountLoadedTwice',
  'AccountNotFound',
  'ProgramAccountNotFound',
  'InsufficientFundsForFee',
  'InvalidAccountForFee',
  'AlreadyProcessed',
  'BlockhashNotFound',
  'CallChainTooDeep',
  'MissingSignatureForFee',
  'InvalidAccountIndex',
  'SignatureFailure',
  'InvalidProgramForExecution',
  'SanitizeFailure',
  'ClusterMaintenance',
  'AccountBorrowOutstanding',
  'WouldExceedMaxBlockCostLimit',
  'UnsupportedVersion',
  'InvalidWritableAccount',
  'WouldExceedMaxAccountCostLimit',
  'WouldExceedAccountDataBlockLimit',
  'TooManyAccountLocks',
  'AddressLookupTableNotFound',
  'InvalidAddressLookupTableOwner',
  'InvalidAddressLookupTableData',
  'InvalidAddressLookupTableIndex',
  'InvalidRentPayingAccount',
  'WouldExceedMaxVoteCostLimit',
  'WouldExceedAccountDataTotalLimit',
  'MaxLoadedAccountsDataSizeExceeded',
  'ResanitizationNeeded',
  'InvalidLoadedAccountsDataSizeLimit',
  'UnbalancedTransaction',
  'ProgramCacheHitMaxLimit',
  'CommitCancelled',
] as const;

const INSTRUCTION_ERRORS = [
  'GenericError',
  'InvalidArgument',
  'InvalidInstructionData',
  'InvalidAccountData',
  'AccountDataTooSmall',
  'InsufficientFunds',
  'IncorrectProgramId',
  'MissingRequiredSignature',
  'AccountAlreadyInitialized',
  'UninitializedAccount',
  'UnbalancedInstruction',
  'ModifiedProgramId',
  'ExternalAccountLamportSpend',
  'ExternalAccountDataModified',
  'ReadonlyLamportChange',
  'ReadonlyDataModified',
  'DuplicateAccountIndex',
  'ExecutableModified',
  'RentEpochModified',
  'NotEnoughAccountKeys',
  'AccountDataSizeChanged',
  'AccountNotExecutable',
  'AccountBorrowFailed',
  'AccountBorrowOutstanding',
  'DuplicateAccountOutOfSync',
  'InvalidError',
  'ExecutableDataModified',
  'ExecutableLamportChange',
  'ExecutableAccountNotRentExempt',
  'UnsupportedProgramId',
  'CallDepth',
  'MissingAccount',
  'ReentrancyNotAllowed',
  'MaxSeedLengthExceeded',
  'InvalidSeeds',
  'InvalidRealloc',
  'ComputationalBudgetExceeded',
  'PrivilegeEscalation',
  'ProgramEnvironmentSetupFailure',
  'ProgramFailedToComplete',
  'ProgramFailedToCompile',
  'Immutable',
  'IncorrectAuthority',
  'AccountNotRentExempt',
  'InvalidAccountOwner',
  'ArithmeticOverflow',
  'UnsupportedSysvar',
  'IllegalOwner',
  'MaxAccountsDataAllocationsExceeded',
  'MaxAccountsExceeded',
  'MaxInstructionTraceLengthExceeded',
  'BuiltinProgramsMustConsumeComputeUnits',
] as const;

/**
 * Errors a real validator rejects before execution: the transaction is not recorded and no fee is charged.
 */
export const REJECTING_ERRORS: ReadonlySet<string> = new Set([
  'AccountInUse',
  'AccountLoadedTwice',
  'AccountNotFound',
  'ProgramAccountNotFound',
  'InsufficientFundsForFee',
  'InvalidAccountForFee',
  'AlreadyProcessed',
  'BlockhashNotFound',
  'MissingSignatureForFee',
  'InvalidAccountIndex',
  'SignatureFailure',
  'InvalidProgramForExecution',
  'SanitizeFailure',
  'UnsupportedVersion',
  'TooManyAccountLocks',
  'AddressLookupTableNotFound',
  'InvalidAddressLookupTableOwner',
  'InvalidAddressLookupTableData',
  'InvalidAddressLookupTableIndex',
  'MaxLoadedAccountsDataSizeExceeded',
]);

function instructionErrorJson(error: unknown): InstructionErrorJson {
  if (typeof error === 'number') return INSTRUCTION_ERRORS[error] ?? 'GenericError';
  const custom = error as Partial<InstructionErrorCustom>;
  if (typeof custom.code === 'number') return { Custom: custom.code };
  return { BorshIoError: String(error) };
}

/** litesvm's error of a failed transaction, as JSON-RPC reports it. */
export function transactionErrorJson(
  failed: FailedTransactionMetadata,
  instructionOffset = 0,
): TransactionErrorJson {
  const error = failed.err();
  if (typeof error === 'number') return TRANSACTION_ERRORS[error] ?? 'SanitizeFailure';
  const name = (error as object).constructor.name;
  if (name === 'TransactionErrorInstructionError') {
    const ix = error as TransactionErrorInstructionError;
    return { InstructionError: [ix.index + instructionOffset, instructionErrorJson(ix.err())] };
  }
  if (name === 'TransactionErrorInsufficientFundsForRent') {
    return { InsufficientFundsForRent: { account_index: (error as { accountIndex: number }).accountIndex } };
  }
  if (name === 'TransactionErrorDuplicateInstruction')
    return { DuplicateInstruction: (error as { index: number }).index };
  return String(error);
}

/**
 * The error of a sub-transaction with its instruction indexes replaced by those of the whole transaction:
 * `indexes[k]` is the transaction index of the sub-transaction's instruction `k`.
 *
 * @example
 * ```ts
 * remapInstructionIndexes({ InstructionError: [0, 'InvalidInstructionData'] }, [1, 0]); // { InstructionError: [1, …] }
 * ```
 */
export function remapInstructionIndexes(
  error: TransactionErrorJson,
  indexes: readonly number[],
): TransactionErrorJson {
  if (typeof error !== 'object') return error;
  const at = (k: number) => indexes[k] ?? k;
  if (Array.isArray(error.InstructionError)) {
    const [k, detail] = error.InstructionError as [number, InstructionErrorJson];
    return { InstructionError: [at(k), detail] };
  }
  if (typeof error.DuplicateInstruction === 'number')
    return { DuplicateInstruction: at(error.DuplicateInstruction) };
  return error;
}

/** The message a validator puts in a preflight failure for `error`. */
export function transactionErrorMessage(error: TransactionErrorJson): string {
  if (typeof error === 'object' && Array.isArray(error.InstructionError)) {
    const [index, detail] = error.InstructionError as [number, InstructionErrorJson];
    const text =
      typeof detail === 'string'
        ? detail.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
        : 'Custom' in detail
          ? `custom program error: 0x${(detail.Custom as number).toString(16)}`
          : JSON.stringify(detail);
    return `Error processing Instruction ${index}: ${text}`;
  }
  const known: Record<string, string> = {
    BlockhashNotFound: 'Blockhash not found',
    AlreadyProcessed: 'This transaction has already been processed',
    SignatureFailure: 'Transaction did not pass signature verification',
    InsufficientFundsForFee: 'Insufficient funds for fee',
    AccountNotFound: 'Attempt to debit an account but found no record of a prior credit.',
  };
  return typeof error === 'string' ? (known[error] ?? error) : JSON.stringify(error);
}
