/**
 * Results sealed to the poster (`job post --seal-results`): the pinned document keeps the flow's status and times
 * (the chain shows as much) and carries everything else (`opStates`, `errors`, `secrets`) in a box sealed to the
 * poster's wallet and bound to the job's address.
 */
import { canonicalJsonBytes, type FlowState, NosanaError } from '@nosana/core';
import './errors.js';
import { addressOf } from './keys.js';
import { boxFromText, boxToText, openSealed, seal } from './seal.js';

/** The `sealed` field of a sealed result. */
export interface SealedResultBox {
  v: 1;
  /** The poster's address: the only wallet that opens it. */
  to: string;
  /** base64 sealed box of the canonical JSON of `{ opStates, errors?, secrets? }`. */
  box: string;
}

const contextOf = (job: string, poster: string) => `sealed-result job=${job} poster=${poster}`;

/** Parameters of {@link sealResult}. */
export interface SealResultParameters {
  flow: FlowState;
  job: string;
  /** The poster's address (the job's `project` on chain). */
  poster: string;
  random?: (length: number) => Uint8Array;
}

/**
 * The document to pin for a sealed result.
 *
 * @example
 * ```ts
 * const document = sealResult({ flow, job, poster: view.project.toBase58() });
 * ```
 */
export function sealResult({ flow, job, poster, random }: SealResultParameters): FlowState {
  const { status, startTime, endTime, receipt: _r, sealed: _s, ...inside } = flow;
  const box = seal({
    to: poster,
    plaintext: canonicalJsonBytes(inside),
    context: contextOf(job, poster),
    ...(random ? { random } : {}),
  });
  const sealed: SealedResultBox = { v: 1, to: poster, box: boxToText(box) };
  return { status, startTime, endTime, opStates: [], sealed };
}

/** True when a result document is sealed. */
export function isSealedResult(document: FlowState): boolean {
  const sealed = document.sealed as Partial<SealedResultBox> | undefined;
  return typeof sealed?.box === 'string' && typeof sealed.to === 'string';
}

/** Parameters of {@link openResult}. */
export interface OpenResultParameters {
  document: FlowState;
  job: string;
  /** The poster's Solana secret key (64 bytes). */
  secretKey: Uint8Array;
}

/**
 * Opens a sealed result with the poster's wallet; the flow in clear (with the document's receipt kept).
 * `TRUST__RESULT_NOT_FOR_THIS_WALLET` when the result is sealed to another wallet.
 *
 * @example
 * ```ts
 * const flow = openResult({ document, job, secretKey: wallet.secretKey });
 * ```
 */
export function openResult({ document, job, secretKey }: OpenResultParameters): FlowState {
  if (!isSealedResult(document))
    throw new NosanaError(
      'TRUST__RESULT_NOT_SEALED',
      `the result of job ${job} is not sealed: read it as is`,
      {
        job,
      },
    );
  const sealed = document.sealed as unknown as SealedResultBox;
  const wallet = addressOf(secretKey);
  if (sealed.to !== wallet)
    throw new NosanaError(
      'TRUST__RESULT_NOT_FOR_THIS_WALLET',
      `the result of job ${job} is sealed to ${sealed.to}, not to this wallet (${wallet}) — open it with the wallet that posted the job (-w <keyfile>)`,
      { job, wallet, sealedTo: sealed.to },
    );
  const where = `the sealed result of job ${job}`;
  const plaintext = openSealed({
    box: boxFromText(sealed.box, where),
    secretKey,
    context: contextOf(job, sealed.to),
    where,
  });
  const inside = JSON.parse(new TextDecoder().decode(plaintext)) as Partial<FlowState>;
  const { sealed: _s, ...outer } = document;
  return { ...outer, ...inside, opStates: inside.opStates ?? [] };
}
