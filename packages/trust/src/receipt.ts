/**
 * Signed execution receipts: what a node ran for a job (definition CID, each op's image digest as the engine
 * resolved it, command, exit code, times, a digest of its logs), what it produced (a digest of the pinned result and
 * of each output it uploaded), on what (software version, GPU models), signed with the node's ed25519 key over the
 * receipt's canonical JSON. The receipt is pinned inside the result document, under `receipt`, and covers the rest
 * of that document.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import {
  type ContainerRunOperation,
  canonicalJson,
  type FlowState,
  type JobDefinition,
  type LogEntry,
} from '@nosana/core';
import { base58 } from '@scure/base';
import './errors.js';
import { type Digest, jsonDigest } from './hash.js';
import { secretSeed } from './keys.js';

/** The receipt format's version; part of the signed bytes. */
export const RECEIPT_VERSION = 'nosana-receipt/1';

/** What a receipt says about one `container/run` op. */
export interface ReceiptOp {
  id: string;
  /** The image reference as the definition gave it. */
  image: string;
  /** The image id the engine ran (`sha256:…`), or null when the engine could not resolve it. */
  imageId: string | null;
  /** The image's registry digests (`name@sha256:…`) as the engine knows them. */
  repoDigests: string[];
  /** Entrypoint and command as the definition gave them (before literals). */
  entrypoint: string | string[] | null;
  cmd: string | string[] | null;
  status: string;
  exitCode: number | null;
  startTime: number | null;
  endTime: number | null;
  /** The digest of the op's logs as recorded in the result (canonical JSON of its `logs`), and their count. */
  logs: Digest & { lines: number };
}

/** An execution receipt (the signed part). */
export interface ExecutionReceipt {
  version: typeof RECEIPT_VERSION;
  job: string;
  /** The definition's CID, as on chain. */
  definition: string;
  /** The node's address: the key that signs. */
  node: string;
  run: string | null;
  market: string | null;
  software: { name: string; version: string };
  engine: string | null;
  /** GPU models of the host (empty when none). */
  gpus: string[];
  status: string;
  startTime: number;
  endTime: number | null;
  ops: ReceiptOp[];
  /** The digest of the pinned result document without its `receipt` (ciphertext when sealed). */
  result: Digest & { sealed: boolean };
  /** Other outputs the node uploaded, by name. */
  outputs: Array<Digest & { name: string }>;
}

/** A receipt and the node's signature (base58 ed25519 over {@link receiptMessage}). */
export interface SignedReceipt {
  receipt: ExecutionReceipt;
  signature: string;
}

/** What the engine knows of an image. */
export interface ResolvedImage {
  id: string | null;
  repoDigests: string[];
}

/** Parameters of {@link buildReceipt}. */
export interface BuildReceiptParameters {
  job: string;
  definitionCid: string;
  node: string;
  run?: string;
  market?: string;
  definition: JobDefinition | null;
  /** The flow in clear (log digests are taken from it). */
  flow: FlowState;
  /** The document that will be pinned, without `receipt` (the sealed form when the result is sealed). */
  pinned: object;
  /** Images resolved by the engine, by the reference the definition gave. */
  images: Record<string, ResolvedImage>;
  software: { name: string; version: string };
  engine?: string;
  gpus?: string[];
  outputs?: Array<Digest & { name: string }>;
}

/** The digest of an op's logs as a result records them. */
export function logsDigest(logs: readonly LogEntry[]): Digest & { lines: number } {
  return { ...jsonDigest(logs), lines: logs.length };
}

function runOps(definition: JobDefinition | null): ContainerRunOperation[] {
  return (definition?.ops ?? []).filter((op): op is ContainerRunOperation => op.type === 'container/run');
}

/**
 * Builds the receipt of a finished flow.
 *
 * @example
 * ```ts
 * const receipt = buildReceipt({ job, definitionCid, node, definition, flow, pinned: flow, images, software: { name: '@nosana/node', version: '0.1.0' } });
 * ```
 */
export function buildReceipt(parameters: BuildReceiptParameters): ExecutionReceipt {
  const { definition, flow } = parameters;
  const states = new Map(flow.opStates.map((op) => [op.operationId, op]));
  const ops = runOps(definition).map((op): ReceiptOp => {
    const image = op.args.image ?? definition?.global?.image ?? '';
    const resolved = parameters.images[image];
    const state = states.get(op.id);
    return {
      id: op.id,
      image,
      imageId: resolved?.id ?? null,
      repoDigests: resolved?.repoDigests ?? [],
      entrypoint: commandOf(op.args.entrypoint ?? definition?.global?.entrypoint),
      cmd: commandOf(op.args.cmd),
      status: state?.status ?? 'pending',
      exitCode: state?.exitCode ?? null,
      startTime: state?.startTime ?? null,
      endTime: state?.endTime ?? null,
      logs: logsDigest(state?.logs ?? []),
    };
  });
  const { receipt: _, ...pinned } = parameters.pinned as Record<string, unknown>;
  return {
    version: RECEIPT_VERSION,
    job: parameters.job,
    definition: parameters.definitionCid,
    node: parameters.node,
    run: parameters.run ?? null,
    market: parameters.market ?? null,
    software: parameters.software,
    engine: parameters.engine ?? null,
    gpus: parameters.gpus ?? [],
    status: flow.status,
    startTime: flow.startTime,
    endTime: flow.endTime,
    ops,
    result: { ...jsonDigest(pinned), sealed: 'sealed' in pinned && pinned.sealed !== undefined },
    outputs: parameters.outputs ?? [],
  };
}

function commandOf(command: unknown): string | string[] | null {
  if (command === undefined || command === null) return null;
  if (typeof command === 'string') return command;
  return (command as unknown[]).map(String);
}

/** The bytes a receipt's signature covers: the version line, then the receipt's canonical JSON. */
export function receiptMessage(receipt: ExecutionReceipt): Uint8Array {
  return utf8ToBytes(`${RECEIPT_VERSION}\n${canonicalJson(receipt)}`);
}

/**
 * Signs a receipt with a node's Solana secret key (64 bytes).
 *
 * @example
 * ```ts
 * const signed = signReceipt(receipt, wallet.secretKey);
 * const document = { ...pinned, receipt: signed };
 * ```
 */
export function signReceipt(receipt: ExecutionReceipt, secretKey: Uint8Array): SignedReceipt {
  const seed = secretSeed(secretKey, 'the node key');
  return { receipt, signature: base58.encode(ed25519.sign(receiptMessage(receipt), seed)) };
}
