import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `text` to `path` (mode 0600, its directory 0700 when created) through a temporary file renamed over it, so
 * readers never see half a file.
 *
 * @example
 * ```ts
 * writeAtomically(join(nosanaHome(), 'config.json'), JSON.stringify(config));
 * ```
 */
export function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}
