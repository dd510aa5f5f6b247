import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../../test/run-cli.js';
import { runCommand } from '../../../test/run-command.js';

const examples = readdirSync(join(REPO, 'examples')).filter((f) => /\.(json|ya?ml)$/.test(f));
const invalid = readdirSync(join(REPO, 'packages/core/test/fixtures/invalid')).filter((f) =>
  /\.(json|ya?ml)$/.test(f),
);

describe('nosana job validate', () => {
  it.each(examples)('accepts examples/%s with exit 0 and a summary', async (name) => {
    const run = await runCommand(['job', 'validate', `examples/${name}`]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `✔ examples/${name.replace('.', '\\.')} is a valid job definition: \\d+ ops? in \\d+ groups?`,
      ),
    );
  });

  it.each(invalid)('rejects fixture %s with exit 1 and every error with path and line', async (name) => {
    const file = `packages/core/test/fixtures/invalid/${name}`;
    const run = await runCommand(['job', 'validate', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const expected = readFileSync(
      join(REPO, 'packages/core/test/fixtures/invalid/__snapshots__', `${name}.txt`),
      'utf8',
    )
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith('warning: '));
    expect(run.stderr).toContain(`Error: ${file} is not a valid job definition (${expected.length} error`);
    for (const line of expected) expect(run.stderr).toContain(line);
  });

  it('prints the stable JSON envelope for a valid definition', async () => {
    const run = await runCommand(['job', 'validate', 'examples/multi-op-volume.json', '--json']);
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({
      status: 'ok',
      result: {
        files: [
          {
            source: 'examples/multi-op-volume.json',
            ops: 4,
            groups: ['prepare', 'generate', 'reduce'],
            images: ['busybox:1.35'],
            gpu: false,
            exposedServices: 0,
            warnings: [],
          },
        ],
      },
      warnings: [],
    });
  });

  it('validates several files at once (a shell glob) and names the file of each error', async () => {
    const ok = await runCommand(['job', 'validate', ...examples.map((name) => `examples/${name}`)]);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split('\n')).toHaveLength(examples.length);

    const mixed = await runCommand([
      'job',
      'validate',
      'examples/hello-world.json',
      'packages/core/test/fixtures/invalid/missing-image.json',
      'packages/core/test/fixtures/invalid/empty-ops.yaml',
      '--json',
    ]);
    expect(mixed.code).toBe(1);
    expect(mixed.json()).toEqual({
      status: 'error',
      result: null,
      warnings: [],
      error: {
        code: 'CLI__JOB_DEFINITIONS_INVALID',
        message: '2 of 3 job definitions are invalid (2 errors)',
      },
      errors: [
        {
          file: 'packages/core/test/fixtures/invalid/missing-image.json',
          path: 'ops[1].args.image',
          message: 'required — add an image like "ubuntu:24.04" (or set global.image)',
          code: 'image_missing',
          line: 6,
          column: 56,
        },
        {
          file: 'packages/core/test/fixtures/invalid/empty-ops.yaml',
          path: 'ops',
          message: 'must not be empty',
          code: 'too_short',
          line: 3,
          column: 1,
        },
      ],
    });
  });

  it('prints the JSON envelope with every error for an invalid definition', async () => {
    const run = await runCommand([
      'job',
      'validate',
      'packages/core/test/fixtures/invalid/missing-image.json',
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect(run.json()).toEqual({
      status: 'error',
      result: null,
      warnings: [],
      error: {
        code: 'CORE__JOB_DEFINITION_INVALID',
        message:
          'packages/core/test/fixtures/invalid/missing-image.json is not a valid job definition (1 error):',
      },
      errors: [
        {
          path: 'ops[1].args.image',
          message: 'required — add an image like "ubuntu:24.04" (or set global.image)',
          code: 'image_missing',
          line: 6,
          column: 56,
        },
      ],
    });
  });

  it('reads the definition from standard input with -', async () => {
    const run = await runCommand(['job', 'validate', '-', '--json'], {
      stdin: readFileSync(join(REPO, 'examples/hello-world.yaml'), 'utf8'),
    });
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ status: 'ok', result: { files: [{ source: '<stdin>', ops: 1 }] } });
  });

  it('explains unparsable input with its position', async () => {
    const run = await runCommand(['job', 'validate', '-'], { stdin: '{"version": "0.1",\n  "ops": [' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Error: <stdin> is not valid JSON or YAML at line \d+, column \d+/);
  });

  it('fails with exit 1 and a clear message for a missing file', async () => {
    const run = await runCommand(['job', 'validate', 'does-not-exist.json', '--json']);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({
      status: 'error',
      error: {
        code: 'CLI__FILE_UNREADABLE',
        message: 'cannot read "does-not-exist.json": no such file — check the path',
      },
    });
  });

  it('fails with exit 1 when the file argument is missing', async () => {
    const run = await runCommand(['job', 'validate']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Missing 1 required arg');
  });
});
