import type {} from '@nosana/core';

/** Error codes of @nosana/trust. */
declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** A key is not a 32-byte ed25519 public key (base58) or a 64-byte Solana secret key. */
    TRUST__INVALID_KEY: { what: string };
    /** A sealed box is not well formed (bad base64, too short, unknown version). */
    TRUST__SEALED_MALFORMED: { where: string };
    /** A sealed box could not be opened with this key and context: sealed to another key, or altered. */
    TRUST__SEAL_OPEN_FAILED: { where: string };
    /** A sealed secret has no box for this node: the job was sealed to other nodes. */
    TRUST__SECRET_NOT_FOR_THIS_NODE: { where: string; node: string; recipients: string[] };
    /** A sealed secret names another poster than the job's (copied from another job). */
    TRUST__SECRET_POSTER_MISMATCH: { where: string; poster: string; sealedBy: string };
    /** A posted definition holds a secret that was never sealed (`{ "secret": … }`). */
    TRUST__SECRET_NOT_SEALED: { where: string };
    /** Sealing secrets needs at least one recipient node. */
    TRUST__NO_RECIPIENTS: Record<string, never>;
    /** A result document has no receipt. */
    TRUST__RECEIPT_MISSING: { job: string };
    /** A receipt is not well formed (fields missing or of the wrong type, unknown version). */
    TRUST__RECEIPT_MALFORMED: { job: string; field: string };
    /** The receipt's signature does not verify under the key it names. */
    TRUST__RECEIPT_SIGNATURE_INVALID: { job: string; signer: string };
    /** The receipt is signed by another key than the job's node on chain. */
    TRUST__RECEIPT_SIGNER_MISMATCH: { job: string; signer: string; node: string };
    /** The receipt is about another job. */
    TRUST__RECEIPT_JOB_MISMATCH: { job: string; receiptJob: string };
    /** The receipt names another definition CID than the job's on chain. */
    TRUST__RECEIPT_DEFINITION_MISMATCH: { job: string; definition: string; receiptDefinition: string };
    /** The result document does not hash to what the receipt signed (a byte of it changed). */
    TRUST__RECEIPT_RESULT_MISMATCH: { job: string; expected: string; actual: string };
    /** An op's logs in the result do not hash to what the receipt signed. */
    TRUST__RECEIPT_LOGS_MISMATCH: { job: string; op: string };
    /** The receipt's ops do not match the definition's container/run ops. */
    TRUST__RECEIPT_OPS_MISMATCH: { job: string; detail: string };
    /** An op ran another image than the one pinned by digest (in the definition or by the verifier). */
    TRUST__RECEIPT_IMAGE_MISMATCH: { job: string; op: string; expected: string; actual: string };
    /** A sealed result is sealed to another wallet than the one opening it. */
    TRUST__RESULT_NOT_FOR_THIS_WALLET: { job: string; wallet: string; sealedTo: string };
    /** A document is not a sealed result. */
    TRUST__RESULT_NOT_SEALED: { job: string };
  }
}
