import { describe, expect, it } from 'vitest';
import { checkRunArgs } from './run-args.js';
import { check } from './test-helpers.js';

const op = (args: Record<string, unknown>) => ({ id: 'a', type: 'container/run', args });

describe('checkRunArgs', () => {
  it('requires an image unless global.image is set', () => {
    expect(check(checkRunArgs, { ops: [op({})] }).errors).toEqual([
      'ops[0].args.image image_missing: required',
    ]);
    expect(check(checkRunArgs, { global: { image: 'busybox:1.35' }, ops: [op({})] }).errors).toEqual([]);
  });

  it('requires absolute work_dir and resource targets, also in global', () => {
    const { errors } = check(checkRunArgs, {
      global: { work_dir: 'w' },
      ops: [op({ image: 'x', work_dir: 'app', resources: [{ target: 'models' }] })],
    });
    expect(errors).toEqual([
      'ops[0].args.work_dir not_absolute_path: "app" is not an absolute path',
      'ops[0].args.resources[0].target not_absolute_path: "models" is not an absolute path',
      'global.work_dir not_absolute_path: "w" is not an absolute path',
    ]);
  });

  it('warns about output and private without expose', () => {
    const { warnings } = check(checkRunArgs, { ops: [op({ image: 'x', output: '/o', private: true })] });
    expect(warnings).toEqual([
      'ops[0].args.output deprecated: is deprecated and ignored',
      'ops[0].args.private private_without_expose: has no effect: the op exposes no ports',
    ]);
  });
});
