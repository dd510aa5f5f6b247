import { describe, expect, it } from 'vitest';
import { toArgv } from './command.js';

describe('toArgv', () => {
  it.each([
    ['echo hello', ['echo', 'hello']],
    [`sh -c "echo 'hi there'"`, ['sh', '-c', "echo 'hi there'"]],
    ['python train.py --lr=0.1 --name "my run"', ['python', 'train.py', '--lr=0.1', '--name', 'my run']],
    ['echo a && echo b', ['echo', 'a', '&&', 'echo', 'b']],
    ['echo $HOME', ['echo', '$HOME']],
  ])('splits %j like a shell, without running one', (input, expected) => {
    expect(toArgv(input)).toEqual(expected);
  });

  it('passes arrays through and keeps undefined', () => {
    expect(toArgv(['a', 'b c'])).toEqual(['a', 'b c']);
    expect(toArgv(undefined)).toBeUndefined();
  });
});
