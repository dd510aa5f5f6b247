import { describe, expect, it } from 'vitest';
import { isPlainFile } from './store.js';

const content = [new Uint8Array([1, 2, 3])];

describe('isPlainFile (which adds take the store’s own encoder)', () => {
  it('takes a file without a name, with an empty name (kubo-rpc-client, curl -F file=@-) or a plain name', () => {
    for (const path of [undefined, '', 'result.json', 'a b.txt'])
      expect({ path, plain: isPlainFile({ path, content }) }).toEqual({ path, plain: true });
  });

  it('leaves directories, nested paths, metadata and empty entries to the importer', () => {
    const others = [
      { path: 'dir/file.txt', content },
      { path: '/file.txt', content },
      { path: '.', content },
      { path: 'dir' },
      { path: 'f', content, mode: 0o644 },
      { path: 'f', content, mtime: { secs: 1n } },
    ];
    for (const candidate of others) expect(isPlainFile(candidate)).toBe(false);
  });
});
