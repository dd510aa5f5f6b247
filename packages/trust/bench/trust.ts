/**
 * Trust overheads: sealing and opening a 10 MB result, a receipt (hashing + signing) for 100 MB of output, and
 * verifying a receipt. Baseline in the same run: canonical JSON serialization of the same result (what every node
 * already does to pin it). Run with `pnpm bench trust`.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { canonicalJson, type FlowState, type JobDefinition } from '@nosana/core';
import { base58 } from '@scure/base';
import {
  buildReceipt,
  openResult,
  sealResult,
  signReceipt,
  streamDigest,
  verifyReceipt,
} from '../src/index.js';

const key = (n: number) => {
  const seed = new Uint8Array(32).fill(n);
  const pub = ed25519.getPublicKey(seed);
  return { address: base58.encode(pub), secretKey: concatBytes(seed, pub) };
};
const node = key(1);
const poster = key(2);
const job = key(3).address;

const line = 'x'.repeat(100);
const flow: FlowState = {
  status: 'success',
  startTime: 0,
  endTime: 1,
  opStates: [
    {
      providerId: 'c',
      operationId: 'main',
      group: 'main',
      status: 'success',
      startTime: 0,
      endTime: 1,
      exitCode: 0,
      logs: Array.from({ length: 80_000 }, (_, i) => ({ type: 'stdout' as const, log: line, timestamp: i })),
    },
  ],
};
const definition = {
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'main', args: { image: 'busybox:1.35' } }],
} as JobDefinition;

function time(runs: number, fn: () => unknown): number {
  fn();
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return (performance.now() - start) / runs;
}

const size = canonicalJson(flow).length;
const baseline = time(5, () => canonicalJson(flow));
const sealed = sealResult({ flow, job, poster: poster.address });
const sealMs = time(5, () => sealResult({ flow, job, poster: poster.address }));
const openMs = time(5, () => openResult({ document: sealed, job, secretKey: poster.secretKey }));
const chunk = new Uint8Array(1024 * 1024).fill(7);
const chunks = () => Array.from({ length: 100 }, () => chunk);
const start = performance.now();
const output = await streamDigest(chunks());
const receipt = buildReceipt({
  job,
  definitionCid: 'Qm',
  node: node.address,
  definition,
  flow,
  pinned: flow,
  images: {},
  software: { name: '@nosana/node', version: '0' },
  outputs: [{ name: 'output', ...output }],
});
const signed = signReceipt(receipt, node.secretKey);
const receiptMs = performance.now() - start;
const small: FlowState = {
  ...flow,
  opStates: [{ ...flow.opStates[0]!, logs: flow.opStates[0]!.logs.slice(0, 100) }],
};
const smallDocument = {
  ...small,
  receipt: signReceipt(
    buildReceipt({
      job,
      definitionCid: 'Qm',
      node: node.address,
      definition,
      flow: small,
      pinned: small,
      images: {},
      software: { name: '@nosana/node', version: '0' },
    }),
    node.secretKey,
  ),
};
const chain = { job, node: node.address, definition: 'Qm' };
const verifySmall = time(50, () => verifyReceipt({ document: smallDocument, chain, definition }));
const bigDocument = { ...flow, receipt: signReceipt({ ...receipt, outputs: [] }, node.secretKey) };
void signed;
const verifyBig = time(3, () => {
  try {
    verifyReceipt({ document: bigDocument, chain, definition });
  } catch {
    // the big document's receipt is only timed, its digests differ (outputs)
  }
});

const print = (text: string) => process.stdout.write(`${text}\n`);
const mb = (n: number) => (n / 1e6).toFixed(1);
print('| measure | time | vs baseline |');
print('| --- | --- | --- |');
print(`| canonical JSON of a ${mb(size)} MB result (baseline) | ${baseline.toFixed(0)} ms | 1.0× |`);
print(`| seal it to the poster | ${sealMs.toFixed(0)} ms | ${(sealMs / baseline).toFixed(1)}× |`);
print(`| open it with the poster's key | ${openMs.toFixed(0)} ms | ${(openMs / baseline).toFixed(1)}× |`);
print(`| receipt for 100 MB of output (hash + build + sign) | ${receiptMs.toFixed(0)} ms | |`);
print(`| verify a receipt (small result, 100 log lines) | ${verifySmall.toFixed(2)} ms | |`);
print(`| verify a receipt (${mb(size)} MB result) | ${verifyBig.toFixed(0)} ms | |`);
