import { describe, expect, it } from 'vitest';
import { check, run } from './test-helpers.js';
import { checkVolumes } from './volumes.js';

const volume = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'container/create-volume',
  args: { name },
  ...extra,
});
const mounting = (
  id: string,
  mounts: Array<{ name: string; dest: string }>,
  extra: Record<string, unknown> = {},
) => run(id, { volumes: mounts }, extra);

describe('checkVolumes', () => {
  it('accepts a volume created in an earlier group', () => {
    const document = { ops: [volume('v', 'data'), mounting('use', [{ name: 'data', dest: '/data' }])] };
    expect(check(checkVolumes, document).errors).toEqual([]);
  });

  it('reports unknown, duplicate, later and parallel volumes', () => {
    const group = { execution: { group: 'g' } };
    const { errors } = check(checkVolumes, {
      ops: [
        mounting('early', [{ name: 'late', dest: '/a' }]),
        volume('v1', 'data'),
        volume('v2', 'data'),
        volume('late', 'late'),
        volume('p', 'par', group),
        mounting(
          'use',
          [
            { name: 'dtaa', dest: '/d' },
            { name: 'par', dest: '/p' },
          ],
          group,
        ),
      ],
    });
    expect(errors).toEqual([
      'ops[2].args.name duplicate_volume: volume "data" is already created by ops[1]',
      'ops[0].args.volumes[0].name volume_created_later: volume "late" is created by ops[3] in a later group',
      'ops[5].args.volumes[0].name unknown_volume: no container/create-volume op creates volume "dtaa"',
      'ops[5].args.volumes[1].name volume_not_ready: volume "par" is created by "p", which runs in parallel with this op',
    ]);
  });

  it('reports relative and duplicate mount paths', () => {
    const { errors } = check(checkVolumes, {
      ops: [
        volume('v', 'data'),
        mounting('use', [
          { name: 'data', dest: 'data' },
          { name: 'data', dest: 'data' },
        ]),
      ],
    });
    expect(errors).toEqual([
      'ops[1].args.volumes[0].dest not_absolute_path: "data" is not an absolute path',
      'ops[1].args.volumes[1].dest not_absolute_path: "data" is not an absolute path',
      'ops[1].args.volumes[1].dest duplicate_mount: "data" is already mounted by volumes[0]',
    ]);
  });
});
