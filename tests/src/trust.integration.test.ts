/**
 * Trust end to end on the localnet with real nodes and Docker: a secret sealed to the node that runs the job reaches
 * its container and nothing else; the result sealed to the poster; the node's signed receipt verifies against the
 * chain and fails, with a specific code, when forged; a node the secret was not sealed to cannot open it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type FlowState, isNosanaError, type JobDefinition } from '@nosana/core';
import {
  type ExecutionReceipt,
  openResult,
  type SignedReceipt,
  sealDefinitionSecrets,
  signReceipt,
  verifyReceipt,
} from '@nosana/trust';
import { Keypair } from '@solana/web3.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Network, startNetwork } from './helpers/network.js';

const NOS = 1_000_000n;
const SECRET = `hf_${Keypair.generate().publicKey.toBase58()}`;
/** Printed by the container only when it got the secret; never the secret itself. */
const PROOF = 'secret-ok-ran';

const definition = (sealResults: boolean): JobDefinition => ({
  version: '0.1',
  type: 'container',
  ...(sealResults ? { meta: { seal_results: true } } : {}),
  ops: [
    {
      type: 'container/run',
      id: 'main',
      args: {
        image: 'busybox:1.35',
        env: { HF_TOKEN: { secret: SECRET } },
        cmd: ['sh', '-c', `[ "$HF_TOKEN" = "${'$'}EXPECTED" ] && printf 'secret-%s\\n' ok-ran; echo done`],
      },
    },
  ],
});

/** Every file under `dir` whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else if (stat.isFile() && readFileSync(path).includes(Buffer.from(needle))) hits.push(path);
  };
  walk(dir);
  return hits;
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isNosanaError(error) ? error.code : String(error);
  }
  return 'no error';
};

let network: Network;
beforeAll(async () => {
  network = await startNetwork();
}, 120_000);
afterEach(async () => {
  await network?.stopNodes();
});
afterAll(async () => {
  await network?.close();
});

describe('trust (localnet + Docker)', () => {
  it('runs a sealed secret, seals the result to the poster and signs a receipt that verifies; forgeries fail', async () => {
    const { node, dir } = await network.node();
    const posterKey = Keypair.generate();
    const poster = network.actor(100n * NOS, posterKey);
    const draft = definition(true);
    // The container compares the secret with a plain copy under another name, so it can prove it got it.
    (draft.ops[0]!.args as { env: Record<string, unknown> }).env.EXPECTED = { secret: SECRET };
    const sealed = sealDefinitionSecrets({
      definition: draft,
      poster: posterKey.publicKey.toBase58(),
      recipients: [node.address],
    });
    const posted = await poster.jobs.post({
      definition: sealed,
      market: 'cpu',
      timeout: 600,
      node: node.address,
    });
    const job = await poster.jobs.waitFor(posted.job, (j) => j.state === 'COMPLETED' && j.result !== null, {
      pollMs: 500,
    });
    const document = (await poster.jobs.result(posted.job)) as FlowState;
    expect(document.opStates).toEqual([]);
    expect(JSON.stringify(document)).not.toContain(PROOF);

    const opened = openResult({ document, job: posted.job.toBase58(), secretKey: posterKey.secretKey });
    expect(opened.status).toBe('success');
    expect(opened.opStates[0]?.logs.map((l) => l.log)).toEqual([PROOF, 'done']);

    const chain = { job: posted.job.toBase58(), node: job.node!.toBase58(), definition: job.definition };
    const { receipt, checks } = verifyReceipt({ document, chain, definition: sealed, opened });
    expect(checks).toContain('logs match the signed digests');
    expect(receipt.node).toBe(node.address);
    expect(receipt.ops[0]?.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(receipt.ops[0]?.exitCode).toBe(0);
    expect(receipt.result.sealed).toBe(true);

    // Forgeries: a byte of the result, a different signer, a different image digest.
    const tampered = structuredClone(document) as FlowState & { sealed: { box: string } };
    tampered.sealed.box = `${tampered.sealed.box.slice(0, 10)}${tampered.sealed.box[10] === 'A' ? 'B' : 'A'}${tampered.sealed.box.slice(11)}`;
    expect(codeOf(() => verifyReceipt({ document: tampered, chain }))).toBe('TRUST__RECEIPT_RESULT_MISMATCH');
    const forger = Keypair.generate();
    const { receipt: _, ...body } = document;
    const forgedReceipt: ExecutionReceipt = { ...receipt, node: forger.publicKey.toBase58() };
    const resigned = { ...body, receipt: signReceipt(forgedReceipt, forger.secretKey) };
    expect(codeOf(() => verifyReceipt({ document: resigned, chain }))).toBe('TRUST__RECEIPT_SIGNER_MISMATCH');
    const otherImage = `sha256:${'0'.repeat(64)}`;
    expect(codeOf(() => verifyReceipt({ document, chain, expectImages: { main: otherImage } }))).toBe(
      'TRUST__RECEIPT_IMAGE_MISMATCH',
    );
    const edited = structuredClone(document.receipt) as SignedReceipt;
    edited.receipt.ops[0]!.imageId = otherImage;
    expect(codeOf(() => verifyReceipt({ document: { ...body, receipt: edited }, chain }))).toBe(
      'TRUST__RECEIPT_SIGNATURE_INVALID',
    );

    // Neither the secret nor the result in clear: not on IPFS, not in the node's state or logs.
    expect(filesContaining(network.localnet.dataDir, SECRET)).toEqual([]);
    expect(filesContaining(network.localnet.dataDir, PROOF)).toEqual([]);
    expect(filesContaining(dir, SECRET)).toEqual([]);
    expect(filesContaining(dir, PROOF)).toEqual([]);
    expect(await network.leftovers(node.address)).toBe(0);
  }, 180_000);

  it('a node the secret was not sealed to cannot open it: the job ends in validation-error, nothing runs', async () => {
    const { node, dir, events } = await network.node();
    const posterKey = Keypair.generate();
    const poster = network.actor(100n * NOS, posterKey);
    const elsewhere = Keypair.generate().publicKey.toBase58();
    const sealed = sealDefinitionSecrets({
      definition: definition(false),
      poster: posterKey.publicKey.toBase58(),
      recipients: [elsewhere],
    });
    const posted = await poster.jobs.post({ definition: sealed, market: 'cpu', timeout: 600 });
    const job = await poster.jobs.waitFor(posted.job, (j) => j.state === 'COMPLETED' && j.result !== null, {
      pollMs: 500,
    });
    expect(job.node?.toBase58()).toBe(node.address);
    const result = (await poster.jobs.result(posted.job)) as FlowState;
    expect(result.status).toBe('validation-error');
    expect(result.errors?.[0]?.code).toBe('TRUST__SECRET_NOT_FOR_THIS_NODE');
    expect(result.opStates).toEqual([]);
    expect(events.some((e) => e.type === 'runtime')).toBe(false);
    // Its receipt still verifies: the node says what it did (nothing).
    const chain = { job: posted.job.toBase58(), node: node.address, definition: job.definition };
    expect(verifyReceipt({ document: result, chain, definition: sealed }).receipt.status).toBe(
      'validation-error',
    );
    expect(filesContaining(dir, SECRET)).toEqual([]);
    expect(filesContaining(network.localnet.dataDir, SECRET)).toEqual([]);
  }, 180_000);
});
