/**
 * The ledger on disk: litesvm's snapshot in `<path>.svm` and the localnet's own state (slot clock, status log)
 * in `<path>.json`, each written to a temporary file and renamed, so a crash leaves the previous save intact.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { LiteSvm } from './litesvm.js';
import type { SlotClockState } from './slot-clock.js';
import type { PersistedStatus } from './status-log.js';

/** The localnet's state next to litesvm's snapshot. */
export interface PersistedState extends SlotClockState {
  transactionCount: number;
  statuses: ReadonlyArray<readonly [string, PersistedStatus]>;
}

/**
 * Reads a saved ledger, or undefined when `path` holds none.
 *
 * @example
 * ```ts
 * const saved = readLedger(join(dataDir, 'ledger'));
 * ```
 */
export function readLedger(path: string): { svm: LiteSvm; state: PersistedState } | undefined {
  if (!existsSync(`${path}.svm`) || !existsSync(`${path}.json`)) return undefined;
  const state = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as PersistedState;
  return { svm: LiteSvm.loadFromFile(`${path}.svm`), state };
}

/**
 * Writes a ledger to `<path>.svm` and `<path>.json`.
 *
 * @example
 * ```ts
 * writeLedger(join(dataDir, 'ledger'), svm, state);
 * ```
 */
export function writeLedger(path: string, svm: LiteSvm, state: PersistedState): void {
  svm.saveToFile(`${path}.svm.tmp`);
  writeFileSync(`${path}.json.tmp`, JSON.stringify(state));
  renameSync(`${path}.svm.tmp`, `${path}.svm`);
  renameSync(`${path}.json.tmp`, `${path}.json`);
}
