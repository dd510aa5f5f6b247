import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNosanaError } from '../errors.js';
import { formatIssue } from './issues.js';
import { assertValidJobDefinition, parseJobDefinition, validateJobDefinition } from './validate.js';

const root = join(import.meta.dirname, '../../../..');
const fixtures = join(import.meta.dirname, '../../test/fixtures');
const read = (dir: string, name: string) => ({ text: readFileSync(join(dir, name), 'utf8'), source: name });
const definitions = (dir: string) => readdirSync(dir).filter((f) => /\.(json|ya?ml)$/.test(f));

describe('parseJobDefinition', () => {
  it.each(definitions(join(root, 'examples')))('accepts examples/%s', (name) => {
    const result = parseJobDefinition(read(join(root, 'examples'), name));
    expect(result.ok ? [] : result.errors.map(formatIssue)).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it.each(definitions(join(fixtures, 'valid')))('accepts valid fixture %s', (name) => {
    const result = parseJobDefinition(read(join(fixtures, 'valid'), name));
    expect(result.ok ? [] : result.errors.map(formatIssue)).toEqual([]);
  });

  it.each(definitions(join(fixtures, 'invalid')))(
    'rejects invalid fixture %s with path-precise errors',
    async (name) => {
      const result = parseJobDefinition(read(join(fixtures, 'invalid'), name));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const report = [
        ...result.errors.map(formatIssue),
        ...result.warnings.map((w) => `warning: ${formatIssue(w)}`),
      ];
      await expect(`${report.join('\n')}\n`).toMatchFileSnapshot(
        `../../test/fixtures/invalid/__snapshots__/${name}.txt`,
      );
    },
  );

  it('names the exact path, line and fix of a missing image', () => {
    const result = parseJobDefinition(read(join(fixtures, 'invalid'), 'missing-image.json'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      {
        path: 'ops[1].args.image',
        pointer: '/ops/1/args/image',
        code: 'image_missing',
        message: 'required',
        hint: 'add an image like "ubuntu:24.04" (or set global.image)',
        line: 6,
        column: 56,
      },
    ]);
  });

  it('reports several errors at once, unknown properties by name with a suggestion', () => {
    const result = parseJobDefinition(read(join(fixtures, 'invalid'), 'unknown-properties.json'));
    if (result.ok) throw new Error('expected errors');
    const byPath = Object.fromEntries(result.errors.map((e) => [e.path, e]));
    expect(byPath['ops[0].args.imag']).toMatchObject({
      code: 'unknown_property',
      hint: 'did you mean "image"?',
    });
    expect(byPath['ops[0].args.comand']).toMatchObject({
      code: 'unknown_property',
      hint: 'did you mean "cmd"?',
    });
    expect(byPath['ops[0].args.gpu']).toMatchObject({
      code: 'type',
      message: 'must be true or false, got a string ("yes")',
    });
    expect(byPath['ops[0].result']).toMatchObject({
      code: 'unknown_property',
      hint: 'did you mean "results"?',
    });
    expect(byPath.extra).toMatchObject({ code: 'unknown_property', line: 12 });
  });

  it('throws a coded error with the position for unparsable text', () => {
    const attempt = () => parseJobDefinition({ text: '{ "version": "0.1", ', source: 'broken.json' });
    expect(attempt).toThrowError(/broken\.json is not valid JSON or YAML at line 1/);
    try {
      attempt();
    } catch (error) {
      expect(isNosanaError(error, 'CORE__JOB_DEFINITION_UNPARSABLE')).toBe(true);
    }
  });

  it('rejects documents over the size limit before validating them', () => {
    const text = JSON.stringify({
      version: '0.1',
      type: 'container',
      ops: [],
      padding: 'x'.repeat(1024 * 1024),
    });
    const result = parseJobDefinition({ text });
    expect(result.ok ? [] : result.errors.map((e) => e.code)).toEqual(['document_too_large']);
  });

  it('rejects duplicate keys in the text', () => {
    expect(() => parseJobDefinition({ text: '{"version":"0.1","version":"0.1"}' })).toThrowError(/not valid/);
  });
});

describe('validateJobDefinition', () => {
  it('returns the typed definition when valid', () => {
    const result = validateJobDefinition({
      version: '0.1',
      type: 'container',
      ops: [{ type: 'container/run', id: 'a', args: { image: 'busybox', cmd: 'echo hi' } }],
    });
    expect(result.ok && result.definition.ops[0]?.id).toBe('a');
  });

  it('reports the root when the document is not an object', () => {
    const result = validateJobDefinition('hello');
    expect(result.ok ? [] : result.errors.map(formatIssue)).toEqual([
      '(root): must be an object, got a string ("hello")',
    ]);
  });

  it('warns (without failing) about literals that may not be produced yet', () => {
    const result = validateJobDefinition({
      version: '0.1',
      type: 'container',
      ops: [
        {
          type: 'container/run',
          id: 'a',
          args: { image: 'busybox' },
          results: { x: 'x=.*' },
          execution: { group: 'g' },
        },
        {
          type: 'container/run',
          id: 'b',
          args: { image: 'busybox', cmd: 'echo %%ops.a.results.x%%' },
          execution: { group: 'g' },
        },
      ],
    });
    expect(result.ok).toBe(true);
    expect(result.warnings.map(formatIssue)).toEqual([
      'ops[1].args.cmd: literal %%ops.a.results.x%% refers to op "a", which runs in parallel and may not have produced it yet — add "a" to execution.depends_on',
    ]);
  });
});

describe('assertValidJobDefinition', () => {
  it('throws CORE__JOB_DEFINITION_INVALID listing every issue', () => {
    try {
      assertValidJobDefinition({ version: '0.2', type: 'container', ops: [] }, 'job.json');
      expect.unreachable();
    } catch (error) {
      expect(isNosanaError(error, 'CORE__JOB_DEFINITION_INVALID')).toBe(true);
      if (!isNosanaError(error, 'CORE__JOB_DEFINITION_INVALID')) return;
      expect(error.context.issues.map((i) => i.path)).toEqual(['version', 'ops']);
      expect(error.message).toBe(
        'job.json is not a valid job definition (2 errors):\n  version: must be "0.1", got a string ("0.2") — write "0.1"\n  ops: must not be empty',
      );
    }
  });
});
