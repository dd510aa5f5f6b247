/**
 * Verifying a receipt against what the chain says (the job's node and definition CID) and against the pinned
 * result document. Pure: the caller reads the chain and IPFS and passes what it read.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { type FlowState, type JobDefinition, NosanaError } from '@nosana/core';
import { base58 } from '@scure/base';
import './errors.js';
import { jsonDigest } from './hash.js';
import { publicKeyBytes } from './keys.js';
import {
  type ExecutionReceipt,
  logsDigest,
  RECEIPT_VERSION,
  receiptMessage,
  type SignedReceipt,
} from './receipt.js';

/** Parameters of {@link verifyReceipt}. */
export interface VerifyReceiptParameters {
  /** The result document as pinned (its CID is the job's result on chain). */
  document: object;
  /** What the chain says about the job. */
  chain: { job: string; node: string; definition: string };
  /** The job's definition (read from its CID); its ops and digest-pinned images are checked. */
  definition?: JobDefinition;
  /** The result in clear when it was sealed and opened by the poster (its logs are checked). */
  opened?: FlowState;
  /** Image digests the verifier expects, by op id (`sha256:…`: an image id or a registry digest). */
  expectImages?: Record<string, string>;
}

/** Result of {@link verifyReceipt}. */
export interface VerifyReceiptResult {
  receipt: ExecutionReceipt;
  /** The checks that passed, in order. */
  checks: string[];
  /** What could not be checked and why (e.g. the logs of a sealed result without the poster's key). */
  unchecked: string[];
}

function shapeOf(job: string, value: unknown): SignedReceipt {
  const bad = (field: string): never => {
    throw new NosanaError(
      'TRUST__RECEIPT_MALFORMED',
      `the receipt of job ${job} is not a ${RECEIPT_VERSION} receipt (${field} is missing or of the wrong type) — the node that ran it must be upgraded, or the result was altered`,
      { job, field },
    );
  };
  if (typeof value !== 'object' || value === null) return bad('receipt');
  const signed = value as Partial<SignedReceipt>;
  if (typeof signed.signature !== 'string') return bad('signature');
  const r = signed.receipt as Partial<ExecutionReceipt> | undefined;
  if (typeof r !== 'object' || r === null) return bad('receipt.receipt');
  if (r.version !== RECEIPT_VERSION) return bad('receipt.version');
  for (const field of ['job', 'definition', 'node', 'status'] as const)
    if (typeof r[field] !== 'string') return bad(`receipt.${field}`);
  if (!Array.isArray(r.ops)) return bad('receipt.ops');
  for (const [i, op] of r.ops.entries()) {
    if (typeof op?.id !== 'string' || typeof op.image !== 'string') return bad(`receipt.ops[${i}]`);
    if (!Array.isArray(op.repoDigests) || typeof op.logs?.sha256 !== 'string')
      return bad(`receipt.ops[${i}]`);
  }
  if (typeof r.result?.sha256 !== 'string') return bad('receipt.result');
  return signed as SignedReceipt;
}

function signatureValid(signed: SignedReceipt): boolean {
  try {
    return ed25519.verify(
      base58.decode(signed.signature),
      receiptMessage(signed.receipt),
      publicKeyBytes(signed.receipt.node),
    );
  } catch {
    return false;
  }
}

/** The hex digest an image reference pins (`name@sha256:<hex>`), if it pins one. */
function pinnedDigest(image: string): string | null {
  const at = image.lastIndexOf('@sha256:');
  return at === -1 ? null : image.slice(at + 1).toLowerCase();
}

const digestsOf = (op: ExecutionReceipt['ops'][number]) => [
  ...(op.imageId ? [op.imageId.toLowerCase()] : []),
  ...op.repoDigests.map((d) => (d.includes('@') ? d.slice(d.lastIndexOf('@') + 1) : d).toLowerCase()),
];

/**
 * Verifies a job's receipt. Throws a specific `TRUST__RECEIPT_*` error at the first check that fails: missing,
 * malformed, about another job, a bad signature, signed by another key than the job's node, another definition,
 * a result that does not hash to what was signed, ops that are not the definition's, another image than a pinned
 * digest, logs that do not hash to what was signed.
 *
 * @example
 * ```ts
 * const { checks } = verifyReceipt({ document, chain: { job, node: view.node!.toBase58(), definition: view.definition }, definition });
 * ```
 */
export function verifyReceipt(parameters: VerifyReceiptParameters): VerifyReceiptResult {
  const { chain } = parameters;
  const document = parameters.document as Record<string, unknown>;
  const { job } = chain;
  const checks: string[] = [];
  const unchecked: string[] = [];
  if (document.receipt === undefined)
    throw new NosanaError(
      'TRUST__RECEIPT_MISSING',
      `the result of job ${job} has no receipt — it was run by a node that does not sign receipts`,
      { job },
    );
  const signed = shapeOf(job, document.receipt);
  const { receipt } = signed;
  if (receipt.job !== job)
    throw new NosanaError(
      'TRUST__RECEIPT_JOB_MISMATCH',
      `the receipt in the result of job ${job} is about job ${receipt.job}: it was copied from another job`,
      { job, receiptJob: receipt.job },
    );
  checks.push('receipt is about this job');
  if (!signatureValid(signed))
    throw new NosanaError(
      'TRUST__RECEIPT_SIGNATURE_INVALID',
      `the receipt of job ${job} is not validly signed by ${receipt.node}: the receipt was altered after signing`,
      { job, signer: receipt.node },
    );
  checks.push(`signature valid (${receipt.node})`);
  if (receipt.node !== chain.node)
    throw new NosanaError(
      'TRUST__RECEIPT_SIGNER_MISMATCH',
      `the receipt of job ${job} is signed by ${receipt.node}, but the job's node on chain is ${chain.node}: another key signed it`,
      { job, signer: receipt.node, node: chain.node },
    );
  checks.push("signer is the job's node on chain");
  if (receipt.definition !== chain.definition)
    throw new NosanaError(
      'TRUST__RECEIPT_DEFINITION_MISMATCH',
      `the receipt of job ${job} names definition ${receipt.definition}, but the job's definition on chain is ${chain.definition}`,
      { job, definition: chain.definition, receiptDefinition: receipt.definition },
    );
  checks.push("definition CID matches the chain's");
  const { receipt: _, ...body } = document;
  const actual = jsonDigest(body).sha256;
  if (actual !== receipt.result.sha256)
    throw new NosanaError(
      'TRUST__RECEIPT_RESULT_MISMATCH',
      `the result of job ${job} hashes to ${actual}, but its receipt signed ${receipt.result.sha256}: the result was altered after the node signed it`,
      { job, expected: receipt.result.sha256, actual },
    );
  checks.push('result matches the signed digest');
  if (parameters.definition) {
    checkOps(job, receipt, parameters.definition);
    checks.push("ops and images are the definition's");
  } else unchecked.push('ops against the definition (definition not given)');
  checkImages(job, receipt, parameters.expectImages ?? {});
  if (parameters.expectImages && Object.keys(parameters.expectImages).length > 0)
    checks.push('images match the expected digests');
  const flow = parameters.opened ?? (receipt.result.sealed ? undefined : (body as unknown as FlowState));
  if (flow && Array.isArray(flow.opStates)) {
    for (const state of flow.opStates) {
      const signedOp = receipt.ops.find((op) => op.id === state.operationId);
      if (!signedOp || logsDigest(state.logs ?? []).sha256 !== signedOp.logs.sha256)
        throw new NosanaError(
          'TRUST__RECEIPT_LOGS_MISMATCH',
          `the logs of op "${state.operationId}" in the result of job ${job} do not hash to what its receipt signed: they were altered`,
          { job, op: state.operationId },
        );
    }
    checks.push('logs match the signed digests');
  } else unchecked.push('logs (the result is sealed: open it with the poster wallet to check them)');
  return { receipt, checks, unchecked };
}

function checkOps(job: string, receipt: ExecutionReceipt, definition: JobDefinition): void {
  const ops = definition.ops.filter((op) => op.type === 'container/run');
  const expected = ops.map(
    (op) => `${op.id}=${(op.args as { image?: string }).image ?? definition.global?.image ?? ''}`,
  );
  const actual = receipt.ops.map((op) => `${op.id}=${op.image}`);
  if (expected.join('\n') !== actual.join('\n'))
    throw new NosanaError(
      'TRUST__RECEIPT_OPS_MISMATCH',
      `the receipt of job ${job} lists ops ${actual.join(', ') || '(none)'}, but the definition has ${expected.join(', ') || '(none)'}`,
      { job, detail: `${actual.join(',')} vs ${expected.join(',')}` },
    );
  const pins: Record<string, string> = {};
  for (const op of receipt.ops) {
    const digest = pinnedDigest(op.image);
    if (digest) pins[op.id] = digest;
  }
  checkImages(job, receipt, pins);
}

function checkImages(job: string, receipt: ExecutionReceipt, expected: Record<string, string>): void {
  for (const [opId, digest] of Object.entries(expected)) {
    const op = receipt.ops.find((o) => o.id === opId);
    const want = digest.toLowerCase().startsWith('sha256:')
      ? digest.toLowerCase()
      : `sha256:${digest.toLowerCase()}`;
    const have = op ? digestsOf(op) : [];
    if (!have.includes(want))
      throw new NosanaError(
        'TRUST__RECEIPT_IMAGE_MISMATCH',
        `op "${opId}" of job ${job} ran image ${have[0] ?? '(unknown)'}, not ${want}`,
        { job, op: opId, expected: want, actual: have[0] ?? '' },
      );
  }
}
