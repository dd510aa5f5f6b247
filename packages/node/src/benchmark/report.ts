/**
 * The benchmark report: scores read from the benchmark flow's result (pure), signed with the node's key
 * (ed25519 over the report's canonical JSON) and verified against the signer it names.
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { canonicalJson, type FlowState, NosanaError } from '@nosana/core';
import { type Keypair, PublicKey } from '@solana/web3.js';
import type { HostSpecs } from '../specs/host-specs.js';
import { zeroDigest } from './definition.js';
import '../errors.js';

/** Scores of one benchmark run and the hardware they were measured on. */
export interface BenchmarkReport {
  version: 1;
  /** The node's address (the signer). */
  node: string;
  /** ISO time the benchmark finished. */
  createdAt: string;
  host: {
    cpu: HostSpecs['cpu'];
    memoryBytes: number;
    gpus: Array<{ name: string; uuid: string; memoryMiB: number | null }>;
    engine: string | null;
  };
  cpu: {
    image: string;
    /** MiB of zeros each worker hashed. */
    sizeMiB: number;
    singleCore: { seconds: number; mibPerSecond: number };
    multiCore: { workers: number; seconds: number; mibPerSecond: number };
  };
  /** FP16 matrix products, when the host has a GPU and the GPU op ran. */
  gpu: { image: string; device: string; tflops: number } | null;
}

/** A report with the node's signature. */
export interface SignedBenchmark {
  report: BenchmarkReport;
  /** Base58 public key that signed (must equal `report.node`). */
  signer: string;
  /** Base64 ed25519 signature over `canonicalJson(report)`. */
  signature: string;
}

/** Parameters of {@link scoreBenchmark}. */
export interface ScoreBenchmarkParameters {
  flow: FlowState;
  node: string;
  specs: HostSpecs;
  sizeMiB: number;
  image: string;
  gpuImage?: string;
  /** The time the report carries. */
  now: Date;
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Reads the scores from the benchmark flow: each CPU op's duration (from its container's start and end), and the
 * digests, which must all equal the SHA-256 of the zeros hashed. Throws `NODE__BENCHMARK_FAILED` otherwise.
 *
 * @example
 * ```ts
 * const report = scoreBenchmark({ flow, node: address, specs, sizeMiB: 256, image: CPU_BENCHMARK_IMAGE, now: new Date() });
 * report.cpu.singleCore.mibPerSecond; // 512.3
 * ```
 */
export function scoreBenchmark(parameters: ScoreBenchmarkParameters): BenchmarkReport {
  const { flow, sizeMiB, specs } = parameters;
  const fail = (reason: string): never => {
    throw new NosanaError('NODE__BENCHMARK_FAILED', `the benchmark failed: ${reason}`, {
      reason,
      status: flow.status,
    });
  };
  const op = (id: string) => flow.opStates.find((o) => o.operationId === id);
  const expected = zeroDigest(sizeMiB);
  const timed = (id: string) => {
    const state = op(id);
    if (state?.status !== 'success')
      return fail(
        `op ${id} ended ${state?.status ?? 'missing'}${state?.error ? ` (${state.error.message})` : ''}`,
      );
    const digests = state.results?.digest ?? [];
    if (digests.length === 0 || digests.some((d) => d !== expected))
      return fail(
        `op ${id} printed ${digests.join(', ') || 'no digest'}, expected ${expected}: the CPU computed a wrong hash`,
      );
    const seconds = ((state.endTime ?? 0) - (state.startTime ?? 0)) / 1000;
    if (!(seconds > 0)) return fail(`op ${id} has no start and end time`);
    return { seconds: round(seconds), digests: digests.length };
  };
  const single = timed('cpu-single');
  const multi = timed('cpu-multi');
  const workers = Number(op('cpu-multi')?.results?.workers?.[0] ?? Number.NaN);
  if (!Number.isInteger(workers) || workers < 1 || multi.digests !== workers)
    fail(`op cpu-multi reported ${multi.digests} digests for ${workers} workers`);
  const gpuOp = op('gpu');
  const tflops = Number(gpuOp?.results?.tflops?.[0] ?? Number.NaN);
  return {
    version: 1,
    node: parameters.node,
    createdAt: parameters.now.toISOString(),
    host: {
      cpu: specs.cpu,
      memoryBytes: specs.memory.totalBytes,
      gpus: specs.gpus.map(({ name, uuid, memoryMiB }) => ({ name, uuid, memoryMiB })),
      engine: specs.engine ? `${specs.engine.kind} ${specs.engine.version}` : null,
    },
    cpu: {
      image: parameters.image,
      sizeMiB,
      singleCore: { seconds: single.seconds, mibPerSecond: round(sizeMiB / single.seconds, 1) },
      multiCore: {
        workers,
        seconds: multi.seconds,
        mibPerSecond: round((sizeMiB * workers) / multi.seconds, 1),
      },
    },
    gpu:
      gpuOp?.status === 'success' && Number.isFinite(tflops)
        ? { image: parameters.gpuImage ?? '', device: gpuOp.results?.device?.[0] ?? '', tflops }
        : null,
  };
}

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Signs a report with the node's Solana key (ed25519 over its canonical JSON).
 *
 * @example
 * ```ts
 * const signed = signBenchmark(report, wallet);
 * ```
 */
export function signBenchmark(report: BenchmarkReport, keypair: Keypair): SignedBenchmark {
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, Buffer.from(keypair.secretKey.subarray(0, 32))]),
    format: 'der',
    type: 'pkcs8',
  });
  const signature = sign(null, Buffer.from(canonicalJson(report)), key).toString('base64');
  return { report, signer: keypair.publicKey.toBase58(), signature };
}

/**
 * Checks a signed report: well formed, signed by the key it names, and that key is the report's node. Throws
 * `NODE__BENCHMARK_INVALID` with the reason (`where` names the file or source in the message).
 *
 * @example
 * ```ts
 * verifyBenchmark(JSON.parse(readFileSync('benchmark.json', 'utf8')), 'benchmark.json');
 * ```
 */
export function verifyBenchmark(value: unknown, where = 'benchmark'): SignedBenchmark {
  const invalid = (reason: string): never => {
    throw new NosanaError(
      'NODE__BENCHMARK_INVALID',
      `${where} is not a valid signed benchmark: ${reason} — run nosana node benchmark again`,
      {
        path: where,
        reason,
      },
    );
  };
  const signed = value as Partial<SignedBenchmark> | null;
  if (!signed || typeof signed !== 'object' || typeof signed.report !== 'object' || signed.report === null)
    return invalid('no report');
  if (typeof signed.signer !== 'string' || typeof signed.signature !== 'string')
    return invalid('no signer or signature');
  if (signed.report.node !== signed.signer)
    return invalid(`signed by ${signed.signer}, not by its node ${signed.report.node}`);
  let publicKey: Buffer;
  try {
    publicKey = Buffer.from(new PublicKey(signed.signer).toBytes());
  } catch {
    return invalid('the signer is not a Solana address');
  }
  const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' });
  const ok = verify(
    null,
    Buffer.from(canonicalJson(signed.report)),
    key,
    Buffer.from(signed.signature, 'base64'),
  );
  if (!ok) return invalid('the signature does not match the report');
  return signed as SignedBenchmark;
}
