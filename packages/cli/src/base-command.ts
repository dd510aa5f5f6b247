import { Command, ux } from '@oclif/core';
import { type NormalizedError, normalizeError } from './errors.js';

/** The envelope every command prints with `--json`. */
export type JsonEnvelope<T> =
  | { status: 'ok'; result: T; warnings: string[] }
  | {
      status: 'error';
      /** null, or what the command knows despite the failure (a failed job: its address, state, result CID, flow). */
      result: T | null;
      warnings: string[];
      error: { code: string; message: string };
      errors?: NormalizedError['errors'];
    };

/**
 * The base of every `nosana` command: `--json` with one stable envelope, warnings collected for it, and one
 * error path that maps errors to exit codes (see errors.ts) and prints them — as JSON on stdout with
 * `--json`, as text on stderr otherwise.
 */
export abstract class NosanaCommand<T> extends Command {
  static override enableJsonFlag = true;

  private readonly collectedWarnings: string[] = [];

  abstract override run(): Promise<T>;

  /** Records a warning for the JSON envelope and prints it on stderr in human mode. */
  protected warnUser(message: string): void {
    this.collectedWarnings.push(message);
    this.logToStderr(ux.colorize('yellow', `Warning: ${message}`));
  }

  protected override toSuccessJson(result: T): JsonEnvelope<T> {
    return { status: 'ok', result, warnings: this.collectedWarnings };
  }

  protected override toErrorJson(error: unknown): JsonEnvelope<T> {
    const normalized = normalizeError(error);
    return {
      status: 'error',
      result: (normalized.result as T | undefined) ?? null,
      warnings: this.collectedWarnings,
      error: { code: normalized.code, message: normalized.message },
      ...(normalized.errors ? { errors: normalized.errors } : {}),
    };
  }

  private envelopePrinted = false;

  override logJson(json: unknown): void {
    if (this.envelopePrinted) return;
    ux.stdout(JSON.stringify(json, null, 2));
  }

  /**
   * For long-running commands (servers): prints the success envelope now, with `--json`, so scripts can read it
   * while the command keeps running; the envelope is then not printed again when the command returns.
   */
  protected printEnvelopeNow(result: T): void {
    if (!this.jsonEnabled()) return;
    this.logJson(this.toSuccessJson(result));
    this.envelopePrinted = true;
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<void> {
    const normalized = normalizeError(error);
    process.exitCode = normalized.exitCode;
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(error));
      return;
    }
    const lines = [ux.colorize('red', `Error: ${normalized.message}`)];
    let file: string | undefined;
    for (const item of normalized.errors ?? []) {
      if (item.file !== undefined && item.file !== file) {
        file = item.file;
        lines.push(`${ux.colorize('bold', file)}:`);
      }
      const where =
        item.line === undefined ? '' : ux.colorize('dim', ` (line ${item.line}, column ${item.column})`);
      lines.push(`  ${ux.colorize('bold', item.path)}${where}: ${item.message}`);
    }
    if (normalized.code === 'CLI__UNEXPECTED' && process.env.DEBUG && error.stack) lines.push(error.stack);
    this.logToStderr(lines.join('\n'));
  }
}
