import { Command, ux } from '@oclif/core';
import type { Input, ParserOutput } from '@oclif/core/interfaces';

/** What oclif's parser returns for flags and arguments (`FlagOutput` / `ArgOutput`, which it does not export). */
// biome-ignore lint/suspicious/noExplicitAny: oclif's own constraint
type FlagOutput = { [name: string]: any };
// biome-ignore lint/suspicious/noExplicitAny: oclif's own constraint
type ArgOutput = { [name: string]: any };

import { errorEnvelope, errorText, type JsonEnvelope } from './envelope.js';
import { normalizeError } from './errors.js';
import { applyFlagDefaults } from './flag-defaults.js';

export type { JsonEnvelope } from './envelope.js';

/**
 * The base of every `nosana` command: `--json` with one stable envelope, warnings collected for it, and one
 * error path that maps errors to exit codes (see errors.ts) and prints them — as JSON on stdout with
 * `--json`, as text on stderr otherwise. Flags a command was not given take their defaults from the active
 * configuration profile, then from the running localnet (flag-defaults.ts), before their built-in defaults.
 */
export abstract class NosanaCommand<T> extends Command {
  static override enableJsonFlag = true;

  private readonly collectedWarnings: string[] = [];

  abstract override run(): Promise<T>;

  /** oclif's parse, then the defaults of the profile and of the running localnet (see flag-defaults.ts). */
  protected override async parse<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput>(
    options?: Input<F, B, A>,
    argv?: string[],
  ): Promise<ParserOutput<F, B, A>> {
    const output = await super.parse(options, argv);
    const input = (options ?? this.ctor) as { flags?: object; baseFlags?: object };
    await applyFlagDefaults({
      flags: output.flags as Record<string, unknown>,
      metadata: output.metadata,
      definitions: { ...input.baseFlags, ...input.flags } as Record<string, { type: string }>,
    });
    return output;
  }

  /** Records a warning for the JSON envelope and prints it on stderr in human mode. */
  protected warnUser(message: string): void {
    this.collectedWarnings.push(message);
    this.logToStderr(ux.colorize('yellow', `Warning: ${message}`));
  }

  protected override toSuccessJson(result: T): JsonEnvelope<T> {
    return { status: 'ok', result, warnings: this.collectedWarnings };
  }

  protected override toErrorJson(error: unknown): JsonEnvelope<T> {
    return errorEnvelope(error, this.collectedWarnings);
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
    const stack = process.env.DEBUG ? error.stack : undefined;
    const text = errorText(normalized, (color, line) => ux.colorize(color, line), stack);
    this.logToStderr(text);
  }
}
