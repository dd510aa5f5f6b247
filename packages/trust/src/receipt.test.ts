import { type FlowState, isNosanaError, type JobDefinition } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { buildReceipt, type ExecutionReceipt, signReceipt } from './receipt.js';
import { openResult, sealResult } from './sealed-result.js';
import { testKey } from './test-keys.js';
import { verifyReceipt } from './verify.js';

const node = testKey(1);
const forger = testKey(2);
const poster = testKey(7);
const job = testKey(9).address;
const definitionCid = 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG';
const digest = `sha256:${'ab'.repeat(32)}`;

const definition = {
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'run', args: { image: 'busybox:1.36', cmd: ['echo', 'hi'] } }],
} as unknown as JobDefinition;

const flow: FlowState = {
  status: 'success',
  startTime: 1000,
  endTime: 2000,
  opStates: [
    {
      providerId: 'c1',
      operationId: 'run',
      group: 'run',
      status: 'success',
      startTime: 1100,
      endTime: 1900,
      exitCode: 0,
      logs: [{ type: 'stdout', log: 'hi', timestamp: 1200 }],
    },
  ],
};

function receiptFor(pinned: FlowState, overrides: Partial<ExecutionReceipt> = {}): ExecutionReceipt {
  return {
    ...buildReceipt({
      job,
      definitionCid,
      node: node.address,
      definition,
      flow,
      pinned,
      images: { 'busybox:1.36': { id: digest, repoDigests: [`busybox@sha256:${'cd'.repeat(32)}`] } },
      software: { name: '@nosana/node', version: '0.1.0' },
      gpus: ['NVIDIA RTX 4090'],
    }),
    ...overrides,
  };
}

const chain = { job, node: node.address, definition: definitionCid };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return isNosanaError(error) ? error.code : String(error);
  }
  return 'no error';
}

describe('execution receipts', () => {
  it('record what ran and verify against the chain, the definition and the result', () => {
    const signed = signReceipt(receiptFor(flow), node.secretKey);
    expect(signed.receipt.ops[0]).toMatchObject({
      id: 'run',
      imageId: digest,
      exitCode: 0,
      cmd: ['echo', 'hi'],
    });
    const document = { ...flow, receipt: signed };
    const verified = verifyReceipt({
      document: JSON.parse(JSON.stringify(document)),
      chain,
      definition,
      expectImages: { run: digest },
    });
    expect(verified.checks).toContain('result matches the signed digest');
    expect(verified.checks).toContain('logs match the signed digests');
    expect(verified.unchecked).toEqual([]);
  });

  it('fail with a specific code when forged', () => {
    const signed = signReceipt(receiptFor(flow), node.secretKey);
    const document = JSON.parse(JSON.stringify({ ...flow, receipt: signed }));
    // One byte of the result changed.
    const changed = structuredClone(document);
    changed.opStates[0].logs[0].log = 'hI';
    expect(codeOf(() => verifyReceipt({ document: changed, chain, definition }))).toBe(
      'TRUST__RECEIPT_RESULT_MISMATCH',
    );
    // The receipt changed after signing.
    const edited = structuredClone(document);
    edited.receipt.receipt.ops[0].imageId = `sha256:${'ef'.repeat(32)}`;
    expect(codeOf(() => verifyReceipt({ document: edited, chain, definition }))).toBe(
      'TRUST__RECEIPT_SIGNATURE_INVALID',
    );
    // A different signer (a valid signature by another key).
    const other = {
      ...flow,
      receipt: signReceipt(receiptFor(flow, { node: forger.address }), forger.secretKey),
    };
    expect(codeOf(() => verifyReceipt({ document: other, chain, definition }))).toBe(
      'TRUST__RECEIPT_SIGNER_MISMATCH',
    );
    // Another image than the one expected (signed by the job's node itself).
    expect(
      codeOf(() =>
        verifyReceipt({ document, chain, definition, expectImages: { run: `sha256:${'ef'.repeat(32)}` } }),
      ),
    ).toBe('TRUST__RECEIPT_IMAGE_MISMATCH');
    // Another definition, another job, no receipt.
    expect(
      codeOf(() => verifyReceipt({ document, chain: { ...chain, definition: 'QmOther' }, definition })),
    ).toBe('TRUST__RECEIPT_DEFINITION_MISMATCH');
    expect(codeOf(() => verifyReceipt({ document, chain: { ...chain, job: poster.address } }))).toBe(
      'TRUST__RECEIPT_JOB_MISMATCH',
    );
    expect(codeOf(() => verifyReceipt({ document: { ...flow }, chain }))).toBe('TRUST__RECEIPT_MISSING');
    expect(codeOf(() => verifyReceipt({ document: { ...flow, receipt: { signature: 1 } }, chain }))).toBe(
      'TRUST__RECEIPT_MALFORMED',
    );
  });

  it('checks an image pinned by digest in the definition', () => {
    const pinnedDefinition = structuredClone(definition);
    (pinnedDefinition.ops[0]?.args as { image: string }).image = `busybox@sha256:${'cd'.repeat(32)}`;
    const build = (repoDigest: string) =>
      buildReceipt({
        job,
        definitionCid,
        node: node.address,
        definition: pinnedDefinition,
        flow,
        pinned: flow,
        images: { [`busybox@sha256:${'cd'.repeat(32)}`]: { id: digest, repoDigests: [repoDigest] } },
        software: { name: '@nosana/node', version: '0.1.0' },
      });
    const good = {
      ...flow,
      receipt: signReceipt(build(`busybox@sha256:${'cd'.repeat(32)}`), node.secretKey),
    };
    expect(verifyReceipt({ document: good, chain, definition: pinnedDefinition }).checks).toContain(
      "ops and images are the definition's",
    );
    const bad = { ...flow, receipt: signReceipt(build(`busybox@sha256:${'ee'.repeat(32)}`), node.secretKey) };
    expect(codeOf(() => verifyReceipt({ document: bad, chain, definition: pinnedDefinition }))).toBe(
      'TRUST__RECEIPT_IMAGE_MISMATCH',
    );
  });
});

describe('sealed results', () => {
  it('pin ciphertext only the poster opens; the receipt covers the ciphertext', () => {
    const sealed = sealResult({ flow, job, poster: poster.address });
    expect(JSON.stringify(sealed)).not.toContain('"hi"');
    const document = { ...sealed, receipt: signReceipt(receiptFor(sealed), node.secretKey) };
    const verified = verifyReceipt({ document, chain, definition });
    expect(verified.receipt.result.sealed).toBe(true);
    expect(verified.unchecked[0]).toMatch(/sealed/);
    const opened = openResult({ document, job, secretKey: poster.secretKey });
    expect(opened.opStates).toEqual(flow.opStates);
    expect(verifyReceipt({ document, chain, definition, opened }).checks).toContain(
      'logs match the signed digests',
    );
    expect(codeOf(() => openResult({ document, job, secretKey: forger.secretKey }))).toBe(
      'TRUST__RESULT_NOT_FOR_THIS_WALLET',
    );
    expect(codeOf(() => openResult({ document, job: node.address, secretKey: poster.secretKey }))).toBe(
      'TRUST__SEAL_OPEN_FAILED',
    );
    expect(codeOf(() => openResult({ document: flow, job, secretKey: poster.secretKey }))).toBe(
      'TRUST__RESULT_NOT_SEALED',
    );
  });
});
