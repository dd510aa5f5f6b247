import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { jobDefinitionSchema } from './schema.js';

describe('job definition JSON Schema', () => {
  it('is published as schema/job-definition.schema.json (pinned: a change here is a format change)', async () => {
    await expect(`${JSON.stringify(jobDefinitionSchema, null, 2)}\n`).toMatchFileSnapshot(
      '../../schema/job-definition.schema.json',
    );
  });

  it('is a valid draft 2020-12 schema that compiles in strict mode', () => {
    const ajv = new Ajv2020({
      strict: true,
      allowUnionTypes: true,
      strictTypes: false,
      strictRequired: false,
    });
    expect(ajv.validateSchema(jobDefinitionSchema)).toBe(true);
    expect(() => ajv.compile(jobDefinitionSchema)).not.toThrow();
  });
});

describe('job definition reference', () => {
  it('docs/job-definition.md is generated from the schema (pinned)', async () => {
    const { renderSchemaReference } = await import('../../test/render-schema-reference.js');
    await expect(renderSchemaReference(jobDefinitionSchema as never)).toMatchFileSnapshot(
      '../../../../docs/job-definition.md',
    );
  });
});
