/**
 * Names of downloaded files. A resource's files are written under a scratch directory of the host as
 * `<scratch>/files/<name>`, then copied into the container at `<target>/<name>`. Names come from job definitions
 * (`files`, a URL resource's `target`) and from remote listings (S3 `<Key>`s, Hugging Face trees), all hostile:
 * a name may only be a relative path of plain segments, so that it cannot leave the directory it is joined onto.
 */
import { constants, mkdirSync, openSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** Longest path segment, in UTF-8 bytes (Linux NAME_MAX). */
export const MAX_NAME_SEGMENT_BYTES = 255;
/** Longest name (all segments), in UTF-8 bytes. */
export const MAX_NAME_BYTES = 1024;

/**
 * Why `name` cannot be a downloaded file's name, or undefined when it can: it must be a relative path of
 * non-empty segments other than `.` and `..`, without control characters (NUL included), at most
 * {@link MAX_NAME_SEGMENT_BYTES} bytes per segment and {@link MAX_NAME_BYTES} in all.
 *
 * @example
 * ```ts
 * unsafeNameReason('weights/model.bin'); // undefined
 * unsafeNameReason('../../etc/cron.d/x'); // 'has a ".." segment'
 * ```
 */
export function unsafeNameReason(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.includes('\0')) return 'contains a NUL character';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here
  if (/[\u0001-\u001f\u007f]/.test(name)) return 'contains a control character';
  if (name.startsWith('/')) return 'is an absolute path';
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return `is longer than ${MAX_NAME_BYTES} bytes`;
  for (const segment of name.split('/')) {
    if (segment === '..') return 'has a ".." segment';
    if (segment === '.') return 'has a "." segment';
    if (segment === '') return 'has an empty segment ("//" or a trailing "/")';
    if (Buffer.byteLength(segment) > MAX_NAME_SEGMENT_BYTES)
      return `has a segment longer than ${MAX_NAME_SEGMENT_BYTES} bytes`;
  }
  return undefined;
}

/**
 * The first name of `names` that cannot be written beside the others (the same name twice, or a name that is
 * both a file and a directory: `a` and `a/b`), with why; undefined when there is none. Each name must already
 * pass {@link unsafeNameReason}.
 *
 * @example
 * ```ts
 * nameConflict(['a', 'a/b']); // { name: 'a/b', reason: 'is inside "a", which is a file' }
 * ```
 */
export function nameConflict(names: Iterable<string>): { name: string; reason: string } | undefined {
  const files = new Set<string>();
  const directories = new Set<string>();
  for (const name of names) {
    if (files.has(name)) return { name, reason: 'appears twice' };
    if (directories.has(name)) return { name, reason: 'is also a directory of another file' };
    const segments = name.split('/');
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join('/');
      if (files.has(parent)) return { name, reason: `is inside "${parent}", which is a file` };
      directories.add(parent);
    }
    files.add(name);
  }
  return undefined;
}

/**
 * Creates the file for `name` under `root` and returns its path and descriptor. The name is checked again, the
 * parent directory must resolve (symbolic links followed) inside `root`, and the file is created exclusively
 * without following a symbolic link, so an existing file or link is never written through.
 *
 * @example
 * ```ts
 * const { path, fd } = createFileInside('/tmp/nosana-resource-x/files', 'weights/model.bin');
 * ```
 */
export function createFileInside(root: string, name: string): { path: string; fd: number } {
  const reason = unsafeNameReason(name);
  if (reason) throw new Error(`file name ${JSON.stringify(name)} ${reason}`);
  const path = join(root, ...name.split('/'));
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const realRoot = realpathSync(root);
  const realParent = realpathSync(dirname(path));
  if (realParent !== realRoot && !realParent.startsWith(realRoot + sep))
    throw new Error(`file name ${JSON.stringify(name)} resolves outside the download directory`);
  const fd = openSync(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o644,
  );
  return { path, fd };
}
