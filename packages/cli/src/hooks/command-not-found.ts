/**
 * oclif's `command_not_found` hook: an unknown command is bad input (exit 1, not oclif's default 2, which
 * `nosana` reserves for a failed job), and the message suggests the closest command.
 */
import type { Hook } from '@oclif/core';

/**
 * The message for an unknown command id (`job:pots`), with the closest known command when one is close.
 *
 * @example
 * ```ts
 * unknownCommandMessage('job:pots', ['job:post', 'job:get']); // '"job pots" is not a nosana command — did you mean "nosana job post"? …'
 * ```
 */
export function unknownCommandMessage(id: string, commandIds: readonly string[]): string {
  const spaced = (text: string) => text.replaceAll(':', ' ');
  const suggestion = closestCommand(id, commandIds);
  return `"${spaced(id)}" is not a nosana command${suggestion ? ` — did you mean "nosana ${spaced(suggestion)}"?` : ''} (see nosana --help)`;
}

/** The command closest to `id` by edit distance (at most a third of its length), if any. */
function closestCommand(id: string, commandIds: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(id.length / 3)) + 1;
  for (const candidate of commandIds) {
    const distance = editDistance(id.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Edit distance where swapping two neighbouring letters counts as one edit (`pots` → `post` is 1). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

const hook: Hook.CommandNotFound = async function ({ id, argv, config }) {
  const message = unknownCommandMessage(id, config.commandIDs);
  if (argv?.includes('--json')) {
    const envelope = {
      status: 'error',
      result: null,
      warnings: [],
      error: { code: 'CLI__UNKNOWN_COMMAND', message },
    };
    this.log(JSON.stringify(envelope, null, 2));
  } else {
    // Printed as every command prints its errors (oclif's own error output would wrap and prefix it).
    process.stderr.write(`Error: ${message}\n`);
  }
  this.exit(1);
};

export default hook;
