import { describe, expect, it } from 'vitest';
import { isNosanaError } from '../errors.js';
import { hydrateOperation } from './hydrate.js';
import type { ContainerRunOperation } from './types.js';

const op = (args: Record<string, unknown>): ContainerRunOperation => ({
  type: 'container/run',
  id: 'main',
  args: { image: 'x', ...args } as ContainerRunOperation['args'],
});
const context = {
  globals: { job: 'JobAddress', host: 'NodeAddress', project: 'Poster' },
  variables: { MODEL: 'tinyllama' },
  ops: {
    setter: {
      host: 'setter.job',
      endpoints: { '9000': 'http://127.0.0.1:41234' },
      results: {
        cmd: ['--model', 'llama'],
        port: ['9000'],
        env_json: ['{"IMAGE_NAME":"ubuntu","IMAGE_TAG":"24.04"}'],
        expose_json: ['[7000,8000]'],
        pairs: ['[{"key":"A","value":"1"},{"key":"B"}]'],
        empty: ['[]'],
      },
    },
  },
};

describe('hydrateOperation', () => {
  it('interpolates globals, variables, hosts and endpoints, embedded or whole', () => {
    const hydrated = hydrateOperation(
      op({
        env: {
          JOB: '%%globals.job%%',
          URL: 'http://%%ops.setter.host%%:%%ops.setter.results.port%%/',
          M: '%%global.variables.MODEL%%',
          E: '%%ops.setter.endpoint.9000%%',
        },
      }),
      context,
    );
    expect(hydrated.args.env).toEqual({
      JOB: 'JobAddress',
      URL: 'http://setter.job:9000/',
      M: 'tinyllama',
      E: 'http://127.0.0.1:41234',
    });
  });

  it('flattens an array result into an array field and joins it in a string field', () => {
    expect(
      hydrateOperation(op({ cmd: ['serve', '%%ops.setter.results.cmd%%', '--port', '1'] }), context).args.cmd,
    ).toEqual(['serve', '--model', 'llama', '--port', '1']);
    expect(hydrateOperation(op({ cmd: '%%ops.setter.results.cmd%%' }), context).args.cmd).toBe(
      '--model llama',
    );
  });

  it('applies __spread__ in arrays and objects, and __pairs__', () => {
    const hydrated = hydrateOperation(
      op({
        expose: [5000, { __spread__: '%%ops.setter.results.expose_json%%' }, 6000],
        env: {
          STATIC: 's',
          __spread__: '%%ops.setter.results.env_json%%',
          __pairs__: '%%ops.setter.results.pairs%%',
        },
      }),
      context,
    );
    expect(hydrated.args.expose).toEqual([5000, 7000, 8000, 6000]);
    expect(hydrated.args.env).toEqual({
      STATIC: 's',
      IMAGE_NAME: 'ubuntu',
      IMAGE_TAG: '24.04',
      A: '1',
      B: '',
    });
  });

  it('removes a property whose __remove-if-empty__ list resolves to nothing', () => {
    expect(
      hydrateOperation(op({ entrypoint: ['__remove-if-empty__', '%%ops.setter.results.empty%%'] }), {
        ...context,
        ops: { setter: { results: { empty: [] } } },
      }).args,
    ).not.toHaveProperty('entrypoint');
    expect(
      hydrateOperation(op({ entrypoint: ['__remove-if-empty__', 'sh', '-c'] }), context).args.entrypoint,
    ).toEqual(['sh', '-c']);
    const objectForm = hydrateOperation(
      op({ cmd: { '__remove-if-empty__': '%%ops.setter.results.empty%%' } } as never),
      context,
    );
    expect(objectForm.args).not.toHaveProperty('cmd');
  });

  it('fails with CORE__LITERAL_UNRESOLVED naming the op and the literal', () => {
    try {
      hydrateOperation(op({ cmd: ['%%ops.setter.results.missing%%'] }), context);
      expect.unreachable();
    } catch (error) {
      expect(isNosanaError(error, 'CORE__LITERAL_UNRESOLVED')).toBe(true);
      expect((error as Error).message).toBe(
        'op "main": cannot resolve %%ops.setter.results.missing%%: op "setter" has produced no result "missing" (has it run yet? is it in an earlier group or in depends_on?)',
      );
    }
  });

  it('leaves args without literals unchanged and does not touch type, id or results', () => {
    const original = { ...op({ cmd: ['echo', '100%'], env: { A: 'b' } }), results: { r: 'x=%%' } };
    expect(hydrateOperation(original, context)).toEqual(original);
  });
});
