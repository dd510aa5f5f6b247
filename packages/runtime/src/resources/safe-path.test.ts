import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileInside, nameConflict, unsafeNameReason } from './safe-path.js';

describe('unsafeNameReason', () => {
  it.each([
    ['model.bin'],
    ['weights/model-00001-of-00002.safetensors'],
    ['a/b/c/d.txt'],
    ['..hidden'],
    ['dots..in..name'],
    ['ünïcødé/名前.bin'],
    ['x'.repeat(255)],
  ])('accepts %j', (name) => {
    expect(unsafeNameReason(name)).toBeUndefined();
  });

  it.each([
    ['', 'is empty'],
    ['../x', 'has a ".." segment'],
    ['../../etc/cron.d/evil', 'has a ".." segment'],
    ['a/../../x', 'has a ".." segment'],
    ['a/..', 'has a ".." segment'],
    ['..', 'has a ".." segment'],
    ['./x', 'has a "." segment'],
    ['/etc/passwd', 'is an absolute path'],
    ['//x', 'is an absolute path'],
    ['a//b', 'has an empty segment ("//" or a trailing "/")'],
    ['a/', 'has an empty segment ("//" or a trailing "/")'],
    ['a\0b', 'contains a NUL character'],
    ['a\nb', 'contains a control character'],
    ['a\u007fb', 'contains a control character'],
    ['x'.repeat(256), 'has a segment longer than 255 bytes'],
    ['é'.repeat(128), 'has a segment longer than 255 bytes'],
    [Array.from({ length: 12 }, () => 'y'.repeat(100)).join('/'), 'is longer than 1024 bytes'],
  ])('refuses %j: %s', (name, reason) => {
    expect(unsafeNameReason(name)).toBe(reason);
  });
});

describe('nameConflict', () => {
  it('accepts distinct files in shared directories', () => {
    expect(nameConflict(['a/x', 'a/y', 'b', 'a/c/z'])).toBeUndefined();
  });

  it.each([
    [['a', 'a'], { name: 'a', reason: 'appears twice' }],
    [['a', 'a/b'], { name: 'a/b', reason: 'is inside "a", which is a file' }],
    [['a/b', 'a'], { name: 'a', reason: 'is also a directory of another file' }],
  ])('refuses %j', (names, conflict) => {
    expect(nameConflict(names)).toEqual(conflict);
  });
});

describe('createFileInside', () => {
  let parent: string;
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  it('creates nested files inside the root and refuses names that would leave it, writing nothing', () => {
    parent = mkdtempSync(join(tmpdir(), 'nosana-safe-path-'));
    const root = join(parent, 'root');
    mkdirSync(root);
    const { path } = createFileInside(root, 'a/b/c.bin');
    expect(path).toBe(join(root, 'a', 'b', 'c.bin'));
    expect(lstatSync(path).isFile()).toBe(true);
    expect(() => createFileInside(root, '../escaped')).toThrow(/has a "\.\." segment/);
    expect(() => createFileInside(root, '/abs')).toThrow(/absolute path/);
    expect(readdirSync(parent)).toEqual(['root']);
  });

  it('never writes through a symbolic link: not as the file, not as a directory on the way', () => {
    parent = mkdtempSync(join(tmpdir(), 'nosana-safe-path-'));
    const root = join(parent, 'root');
    const outside = join(parent, 'outside');
    mkdirSync(root);
    mkdirSync(outside);
    symlinkSync(join(outside, 'target'), join(root, 'file-link'));
    symlinkSync(outside, join(root, 'dir-link'));
    expect(() => createFileInside(root, 'file-link')).toThrow(/EEXIST/);
    expect(() => createFileInside(root, 'dir-link/x')).toThrow(/resolves outside the download directory/);
    expect(readdirSync(outside)).toEqual([]);
  });
});
