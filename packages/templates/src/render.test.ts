import { isNosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_TEMPLATES } from './catalog/index.js';
import { findTemplate } from './document.js';
import { renderTemplate } from './render.js';

const catchError = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
};

describe('built-in templates', () => {
  it('has the curated set with unique names and semantic versions', () => {
    expect(BUILTIN_TEMPLATES.map((t) => t.name)).toEqual([
      'ollama',
      'vllm',
      'comfyui',
      'whisper',
      'jupyter',
      'python-batch',
      'web-service',
    ]);
    for (const t of BUILTIN_TEMPLATES) expect(t.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each(BUILTIN_TEMPLATES.map((t) => [t.name, t] as const))(
    '%s renders with its defaults into a valid job definition whose GPU need matches its market',
    (_, template) => {
      const { definition } = renderTemplate({ template });
      const runs = definition.ops.filter((op) => op.type === 'container/run');
      expect(runs.some((op) => op.args.gpu === true)).toBe(template.market.gpu);
      if (template.market.gpu)
        expect(definition.meta?.system_requirements?.required_vram).toBe(template.market.minVramGb);
      expect(JSON.stringify(definition)).not.toContain('{{');
    },
  );
});

describe('renderTemplate', () => {
  const ollama = findTemplate(BUILTIN_TEMPLATES, 'ollama');

  it('fills string and integer parameters (whole placeholders become numbers)', () => {
    const { definition, values } = renderTemplate({
      template: ollama,
      values: { model: 'qwen2.5:7b', port: '9000', vram: '16' },
    });
    expect(values).toEqual({ model: 'qwen2.5:7b', port: 9000, vram: 16 });
    const op = definition.ops[0]!;
    if (op.type !== 'container/run') throw new Error('expected container/run');
    expect(op.args.expose).toEqual([expect.objectContaining({ port: 9000 })]);
    expect(op.args.env).toEqual({ OLLAMA_HOST: '0.0.0.0:9000' });
    expect(op.args.resources).toEqual([{ type: 'Ollama', model: 'qwen2.5:7b' }]);
    expect(definition.meta?.system_requirements?.required_vram).toBe(16);
    expect(definition.meta?.description).toBe('LLM inference with Ollama serving qwen2.5:7b');
  });

  it('refuses an unknown parameter, naming the known ones', () => {
    const error = catchError(() => renderTemplate({ template: ollama, values: { modle: 'x' } }));
    expect(isNosanaError(error, 'TEMPLATES__INVALID_PARAMETER')).toBe(true);
    expect((error as Error).message).toContain(
      'has no parameter "modle"; its parameters are: model, port, vram',
    );
  });

  it.each([
    ['port', '70000', 'must be ≤ 65535'],
    ['port', 'http', 'must be a whole number'],
    ['vram', '0', 'must be ≥ 1'],
    ['model', 'Bad Model!', 'must match'],
  ])('refuses %s=%s (%s)', (name, value, why) => {
    const error = catchError(() => renderTemplate({ template: ollama, values: { [name]: value } }));
    expect(isNosanaError(error, 'TEMPLATES__INVALID_PARAMETER')).toBe(true);
    expect((error as Error).message).toContain(why);
  });

  it('refuses a required parameter without value, and a placeholder that is not declared', () => {
    const required = {
      ...ollama,
      parameters: [{ name: 'model', type: 'string' as const, description: 'm' }],
    };
    const missing = catchError(() =>
      renderTemplate({ template: { ...required, parameters: [...required.parameters] } }),
    );
    expect((missing as Error).message).toContain('is required: pass --param model=<value>');
    const undeclared = catchError(() => renderTemplate({ template: { ...ollama, parameters: [] } }));
    expect(isNosanaError(undeclared, 'TEMPLATES__INVALID_TEMPLATE')).toBe(true);
  });

  it('refuses values that make the definition invalid, with the schema issue', () => {
    const batch = findTemplate(BUILTIN_TEMPLATES, 'python-batch');
    const error = catchError(() => renderTemplate({ template: batch, values: { image: 'UPPER' } }));
    expect(isNosanaError(error, 'TEMPLATES__INVALID_PARAMETER')).toBe(true);
    const broken = { ...batch, definition: { ...batch.definition, ops: [] } };
    const invalid = catchError(() => renderTemplate({ template: broken }));
    expect(isNosanaError(invalid, 'TEMPLATES__INVALID_TEMPLATE')).toBe(true);
    expect((invalid as Error).message).toContain('is not a valid job definition');
  });

  it('findTemplate lists the available names when the name is unknown', () => {
    const error = catchError(() => findTemplate(BUILTIN_TEMPLATES, 'stable-diffusion'));
    expect(isNosanaError(error, 'TEMPLATES__NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain('available: ollama, vllm, comfyui');
  });
});
