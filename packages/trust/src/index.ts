/**
 * `@nosana/trust` — what lets a poster trust a host without trusting it: signed execution receipts, secrets sealed
 * to the node that runs a job, results sealed to the poster. Pure (no I/O): ed25519 signatures and X25519 sealing
 * with the audited `@noble` libraries, keys being the Solana wallets' own.
 *
 * @packageDocumentation
 */
export type {} from './errors.js';
export { type Digest, jsonDigest, streamDigest } from './hash.js';
export { addressOf, publicKeyBytes, x25519PublicKey, x25519SecretKey } from './keys.js';
export {
  type BuildReceiptParameters,
  buildReceipt,
  type ExecutionReceipt,
  logsDigest,
  RECEIPT_VERSION,
  type ReceiptOp,
  type ResolvedImage,
  receiptMessage,
  type SignedReceipt,
  signReceipt,
} from './receipt.js';
export {
  type CompareReplicasResult,
  compareReplicas,
  outcomeDigest,
  type ReplicaResult,
  type ResultOutcome,
  resultOutcome,
} from './replicas.js';
export {
  boxFromText,
  boxToText,
  type OpenSealedParameters,
  openSealed,
  type SealParameters,
  seal,
} from './seal.js';
export {
  isSealedResult,
  type OpenResultParameters,
  openResult,
  type SealedResultBox,
  type SealResultParameters,
  sealResult,
} from './sealed-result.js';
export {
  findSecrets,
  type OpenDefinitionSecretsParameters,
  openDefinitionSecrets,
  type SealDefinitionSecretsParameters,
  type SecretLocation,
  sealDefinitionSecrets,
} from './secrets.js';
export {
  type VerifyReceiptParameters,
  type VerifyReceiptResult,
  verifyReceipt,
} from './verify.js';
