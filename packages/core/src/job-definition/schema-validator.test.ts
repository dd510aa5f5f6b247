import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { jobDefinitionSchema } from './schema.js';
import { validate as generated } from './schema-validator.generated.js';
import { SCHEMA_VALIDATOR_OPTIONS, schemaValidatorSource } from './schema-validator-source.js';

const standalone = generated as ValidateFunction;
const compiled = new Ajv2020(SCHEMA_VALIDATOR_OPTIONS).compile(jobDefinitionSchema);

/** What each validator says about a document: valid or not, and every error ajv reports. */
const verdict = (validate: ValidateFunction, value: unknown) => {
  const valid = validate(value);
  return { valid, errors: structuredClone(validate.errors ?? []) };
};

const repo = join(import.meta.dirname, '..', '..', '..', '..');
const documents = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .map((f) => [f, parse(readFileSync(join(dir, f), 'utf8')) as unknown] as const);
const corpus = [
  ...documents(join(repo, 'examples')),
  ...documents(join(repo, 'packages/core/test/fixtures/valid')),
  ...documents(join(repo, 'packages/core/test/fixtures/invalid')),
];

describe('the standalone job definition validator', () => {
  it('is the build of the current schema (run `pnpm --filter @nosana/core run generate` when this fails)', () => {
    const committed = readFileSync(join(import.meta.dirname, 'schema-validator.generated.ts'), 'utf8');
    expect(committed === schemaValidatorSource()).toBe(true);
  });

  it.each(corpus)('gives the verdict and errors of the schema compiled at run time for %s', (_, value) => {
    expect(verdict(standalone, value)).toEqual(verdict(compiled, value));
  });

  test.prop([fc.jsonValue({ maxDepth: 6 })], { numRuns: 300 })(
    'agrees with the schema compiled at run time on arbitrary JSON',
    (value) => {
      expect(verdict(standalone, value)).toEqual(verdict(compiled, value));
    },
  );

  test.prop([fc.constantFrom(...corpus.map(([, v]) => v)), fc.jsonValue({ maxDepth: 3 }), fc.nat(40)], {
    numRuns: 300,
  })('agrees with the schema compiled at run time on mutated job definitions', (document, junk, at) => {
    // Replace one node of a real definition with arbitrary JSON: near-valid documents reach deep branches.
    const copy = structuredClone(document) as unknown;
    let i = 0;
    const mutate = (node: unknown): unknown => {
      if (i++ === at) return junk;
      if (Array.isArray(node)) return node.map(mutate);
      if (node && typeof node === 'object')
        return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, mutate(v)]));
      return node;
    };
    const value = mutate(copy);
    expect(verdict(standalone, value)).toEqual(verdict(compiled, value));
  });
});
