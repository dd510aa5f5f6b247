import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { JobDefinition, Operation } from './types.js';
import { validateJobDefinition } from './validate.js';

/** Strings that are not literals (no `%`), as users write in commands and env values. */
const plain = (maxLength: number) =>
  fc.string({ maxLength, unit: 'grapheme-ascii' }).filter((s) => !s.includes('%'));
const id = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
const image = fc.constantFrom(
  'ubuntu:24.04',
  'busybox:1.35',
  'docker.io/vllm/vllm-openai:v0.7.2',
  'ghcr.io/org/app@sha256:abc',
);
const command = fc.oneof(plain(60), fc.array(plain(20), { maxLength: 6 }));
const env = fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/), plain(30), { maxKeys: 5 });
const ports = fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { maxLength: 4 });
const healthCheck = fc.record({
  type: fc.constant('http' as const),
  path: fc.constantFrom('/', '/health', '/v1/models'),
  method: fc.constantFrom('GET' as const, 'POST' as const),
  expected_status: fc.integer({ min: 100, max: 599 }),
  continuous: fc.boolean(),
});

/** A valid job definition: unique ids, dependencies only on earlier ops of the same group (acyclic). */
const jobDefinition: fc.Arbitrary<JobDefinition> = fc
  .record({
    ids: fc.uniqueArray(id, { minLength: 1, maxLength: 8 }),
    groups: fc.array(fc.constantFrom('a', 'b', 'c', undefined), { minLength: 8, maxLength: 8 }),
    images: fc.array(image, { minLength: 8, maxLength: 8 }),
    commands: fc.array(fc.option(command, { nil: undefined }), { minLength: 8, maxLength: 8 }),
    envs: fc.array(fc.option(env, { nil: undefined }), { minLength: 8, maxLength: 8 }),
    exposes: fc.array(fc.option(ports, { nil: undefined }), { minLength: 8, maxLength: 8 }),
    checks: fc.array(healthCheck, { minLength: 8, maxLength: 8 }),
    gpus: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    depend: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  })
  .map(({ ids, groups, images, commands, envs, exposes, checks, gpus, depend }) => {
    const ops: Operation[] = ids.map((opId, i) => {
      const group = groups[i];
      const earlier = group === undefined ? undefined : ids.slice(0, i).find((_, j) => groups[j] === group);
      const expose = exposes[i];
      return {
        type: 'container/run',
        id: opId,
        args: {
          image: images[i]!,
          ...(commands[i] === undefined ? {} : { cmd: commands[i] }),
          ...(envs[i] === undefined ? {} : { env: envs[i] }),
          ...(gpus[i] ? { gpu: true } : {}),
          ...(expose === undefined || expose.length === 0
            ? {}
            : { expose: expose.map((port, k) => (k === 0 ? { port, health_checks: [checks[i]!] } : port)) }),
        },
        ...(group === undefined
          ? {}
          : {
              execution: { group, ...(earlier !== undefined && depend[i] ? { depends_on: [earlier] } : {}) },
            }),
      };
    });
    return { version: '0.1', type: 'container', meta: { trigger: 'property-test' }, ops };
  });

describe('validateJobDefinition (properties)', () => {
  test.prop([jobDefinition], { numRuns: 300 })('accepts every well-formed definition', (definition) => {
    const result = validateJobDefinition(definition);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  test.prop([jobDefinition, fc.nat(), fc.constantFrom('type', 'id', 'args')], { numRuns: 200 })(
    'reports a removed required op field at its exact path',
    (definition, pick, field) => {
      const index = pick % definition.ops.length;
      const op = { ...definition.ops[index] } as Record<string, unknown>;
      delete op[field];
      const ops = definition.ops.map((o, i) => (i === index ? op : o));
      const result = validateJobDefinition({ ...definition, ops });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors).toContainEqual(
        expect.objectContaining({
          path: `ops[${index}].${field}`,
          pointer: `/ops/${index}/${field}`,
          code: 'required',
        }),
      );
    },
  );

  test.prop([jobDefinition, fc.nat(), fc.stringMatching(/^[a-z]{3,8}$/)], { numRuns: 200 })(
    'reports an unknown arg by name at its exact path',
    (definition, pick, name) => {
      const index = pick % definition.ops.length;
      const run = definition.ops[index]!;
      const args = { ...run.args, [`x_${name}`]: true };
      const ops = definition.ops.map((o, i) => (i === index ? { ...o, args } : o));
      const result = validateJobDefinition({ ...definition, ops });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors).toContainEqual(
        expect.objectContaining({ path: `ops[${index}].args.x_${name}`, code: 'unknown_property' }),
      );
    },
  );

  test.prop([jobDefinition, fc.nat()], { numRuns: 200 })(
    'reports a duplicated op id on the later op',
    (definition, pick) => {
      const index = pick % definition.ops.length;
      const copy = { ...definition.ops[index]!, execution: { group: 'zzz' } };
      const result = validateJobDefinition({ ...definition, ops: [...definition.ops, copy] });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors).toContainEqual(
        expect.objectContaining({ path: `ops[${definition.ops.length}].id`, code: 'duplicate_op_id' }),
      );
    },
  );

  test.prop([fc.anything()], { numRuns: 300 })('never throws, whatever the input', (value) => {
    const result = validateJobDefinition(value);
    expect(typeof result.ok).toBe('boolean');
  });
});
