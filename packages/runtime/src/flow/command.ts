import type { Command } from '@nosana/core';
import { parse } from 'shell-quote';

/**
 * A command or entrypoint as an argument vector. A string is split like a shell would split it (quotes,
 * escapes), without running a shell: operators such as `&&` stay plain words. Arrays pass through.
 *
 * @example
 * ```ts
 * toArgv(`sh -c "echo 'hi there'"`); // ['sh', '-c', "echo 'hi there'"]
 * ```
 */
export function toArgv(command: Command | undefined): string[] | undefined {
  if (command === undefined) return undefined;
  if (Array.isArray(command)) return command.map(String);
  return parse(command, (name) => `$${name}`).map((entry) => {
    if (typeof entry === 'string') return entry;
    if ('op' in entry) return entry.op === 'glob' ? (entry as { pattern: string }).pattern : entry.op;
    return (entry as { comment: string }).comment
      ? `#${(entry as { comment: string }).comment}`
      : String(entry);
  });
}
