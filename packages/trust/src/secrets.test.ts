import { type JobDefinition, NosanaError, validateJobDefinition } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { findSecrets, openDefinitionSecrets, sealDefinitionSecrets } from './secrets.js';
import { testKey } from './test-keys.js';

const poster = testKey(7);
const node = testKey(1);
const node2 = testKey(3);
const stranger = testKey(2);

const draft = {
  version: '0.1',
  type: 'container',
  global: { env: { SHARED: { secret: 'shared-secret-value' } } },
  ops: [
    {
      type: 'container/run',
      id: 'run',
      args: { image: 'busybox:1.36', env: { HF_TOKEN: { secret: 'hf_plaintext_token' }, PLAIN: 'ok' } },
    },
  ],
} as unknown as JobDefinition;

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(NosanaError);
    expect((error as Error).message).not.toContain('hf_plaintext_token');
    return (error as NosanaError).code;
  }
  return 'no error';
};

describe('secret env values', () => {
  it('are valid in a definition before and after sealing', () => {
    expect(validateJobDefinition(draft).ok).toBe(true);
    const sealed = sealDefinitionSecrets({
      definition: draft,
      poster: poster.address,
      recipients: [node.address],
    });
    expect(validateJobDefinition(sealed).ok).toBe(true);
    expect(findSecrets(draft).map((s) => `${s.where}:${s.kind}`)).toEqual([
      'global.env.SHARED:secret',
      'ops.run.args.env.HF_TOKEN:secret',
    ]);
    expect(findSecrets(sealed).every((s) => s.kind === 'sealed')).toBe(true);
  });

  it('are sealed to each recipient: the plaintext is nowhere in the posted definition', () => {
    const sealed = sealDefinitionSecrets({
      definition: draft,
      poster: poster.address,
      recipients: [node.address, node2.address],
    });
    const text = JSON.stringify(sealed);
    expect(text).not.toContain('hf_plaintext_token');
    expect(text).not.toContain('shared-secret-value');
    expect(draft.ops[0]?.args).toHaveProperty('env.HF_TOKEN.secret');
    for (const recipient of [node, node2]) {
      const opened = openDefinitionSecrets({
        definition: sealed,
        node: recipient.address,
        secretKey: recipient.secretKey,
        poster: poster.address,
      });
      expect(opened.global?.env).toEqual({ SHARED: 'shared-secret-value' });
      expect((opened.ops[0] as { args: { env: unknown } }).args.env).toEqual({
        HF_TOKEN: 'hf_plaintext_token',
        PLAIN: 'ok',
      });
    }
  });

  it('do not open on a node they were not sealed to, even one that takes the box', () => {
    const sealed = sealDefinitionSecrets({
      definition: draft,
      poster: poster.address,
      recipients: [node.address],
    });
    expect(
      codeOf(() =>
        openDefinitionSecrets({
          definition: sealed,
          node: stranger.address,
          secretKey: stranger.secretKey,
          poster: poster.address,
        }),
      ),
    ).toBe('TRUST__SECRET_NOT_FOR_THIS_NODE');
    // A stranger that relabels the box as its own still cannot open it.
    const relabelled = JSON.parse(JSON.stringify(sealed).replaceAll(node.address, stranger.address));
    expect(
      codeOf(() =>
        openDefinitionSecrets({
          definition: relabelled,
          node: stranger.address,
          secretKey: stranger.secretKey,
          poster: poster.address,
        }),
      ),
    ).toBe('TRUST__SEAL_OPEN_FAILED');
  });

  it("do not open in another poster's job (a copied secret), even relabelled", () => {
    const sealed = sealDefinitionSecrets({
      definition: draft,
      poster: poster.address,
      recipients: [node.address],
    });
    const open = (definition: JobDefinition, jobPoster: string) =>
      codeOf(() =>
        openDefinitionSecrets({
          definition,
          node: node.address,
          secretKey: node.secretKey,
          poster: jobPoster,
        }),
      );
    expect(open(sealed, stranger.address)).toBe('TRUST__SECRET_POSTER_MISMATCH');
    const relabelled = JSON.parse(JSON.stringify(sealed).replaceAll(poster.address, stranger.address));
    expect(open(relabelled, stranger.address)).toBe('TRUST__SEAL_OPEN_FAILED');
  });

  it('refuse a published secret that was never sealed, and sealing without recipients', () => {
    expect(
      codeOf(() =>
        openDefinitionSecrets({
          definition: draft,
          node: node.address,
          secretKey: node.secretKey,
          poster: poster.address,
        }),
      ),
    ).toBe('TRUST__SECRET_NOT_SEALED');
    expect(
      codeOf(() => sealDefinitionSecrets({ definition: draft, poster: poster.address, recipients: [] })),
    ).toBe('TRUST__NO_RECIPIENTS');
  });

  it('are refused by the schema where a secret cannot go', () => {
    const misplaced = structuredClone(draft) as unknown as { ops: Array<{ args: Record<string, unknown> }> };
    (misplaced.ops[0] as { args: Record<string, unknown> }).args.image = { secret: 'x' };
    const result = validateJobDefinition(misplaced);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toContain('ops[0].args.image');
    const inVariables = {
      ...structuredClone(draft),
      global: { variables: { X: { secret: 'hf_plaintext_token' } } },
    };
    const second = validateJobDefinition(inVariables);
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.errors.map((e) => e.path)).toContain('global.variables.X');
      expect(JSON.stringify(second.errors)).not.toContain('hf_plaintext_token');
    }
  });
});
