/**
 * Runs `nosana` commands in the test process, from the sources: no build, no child process. Output written through
 * oclif (stdout) and to stderr is captured; the exit code is what the command set on `process.exitCode`.
 * End-to-end runs of the built binary live in the integration tests (see run-cli.ts).
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { format } from 'node:util';
import { type Command, Config } from '@oclif/core';
import { vi } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
/** Commands run from the repository root, as the binary tests do. */
const REPO = join(ROOT, '../..');
const COMMANDS = join(ROOT, 'src/commands');

/** The outcome of an in-process command run. */
export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (commands run with --json). */
  json: <T = unknown>() => T;
}

let config: Promise<Config> | undefined;
/** The CLI's oclif configuration (package.json), loaded once. */
export const cliConfig = (): Promise<Config> => {
  config ??= Config.load({ root: ROOT });
  return config;
};

/** Every command id (`job:post`…) and the source file that defines it. */
export function commandFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        files.set(relative(COMMANDS, path).replace(/\.ts$/, '').split('/').join(':'), path);
      }
    }
  };
  walk(COMMANDS);
  return files;
}

/** Loads a command class from its source. */
export async function loadCommand(id: string): Promise<Command.Class> {
  const file = commandFiles().get(id);
  if (!file) throw new Error(`no command ${id} in src/commands`);
  const module = (await import(file)) as { default: Command.Class };
  return Object.assign(module.default, { id });
}

/**
 * Runs one command (`['job', 'validate', 'x.json']`) in process, from the repository root (or `cwd`), with
 * optional stdin text and environment.
 *
 * @example
 * ```ts
 * const run = await runCommand(['job', 'validate', 'examples/hello-world.json', '--json']);
 * expect(run.code).toBe(0);
 * ```
 */
export async function runCommand(
  argv: string[],
  options: { stdin?: string; env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CommandRun> {
  const files = commandFiles();
  // The longest prefix of argv that names a command.
  let id = '';
  let split = 0;
  for (let i = argv.length; i > 0; i--) {
    if (files.has(argv.slice(0, i).join(':'))) {
      id = argv.slice(0, i).join(':');
      split = i;
      break;
    }
  }
  if (!id) throw new Error(`no command in ${argv.join(' ')}`);
  const CommandClass = await loadCommand(id);
  let stdout = '';
  let stderr = '';
  const capture = (into: 'out' | 'err') => (chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (into === 'out') stdout += text;
    else stderr += text;
    return true;
  };
  // oclif prints with console.log / console.error; spinners and streams write to the process streams.
  const line =
    (into: 'out' | 'err') =>
    (...args: unknown[]) =>
      capture(into)(`${format(...args)}\n`);
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture('out') as typeof process.stdout.write),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture('err') as typeof process.stderr.write),
    vi.spyOn(console, 'log').mockImplementation(line('out')),
    vi.spyOn(console, 'error').mockImplementation(line('err')),
    vi.spyOn(console, 'warn').mockImplementation(line('err')),
  ];
  const env = { NO_COLOR: '1', ...options.env };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  setEnv(env);
  const stdin = options.stdin === undefined ? undefined : mockStdin(options.stdin);
  const cwd = process.cwd();
  process.chdir(options.cwd ?? REPO);
  process.exitCode = undefined;
  try {
    await CommandClass.run(argv.slice(split), await cliConfig());
  } catch (error) {
    // oclif rethrows what a command's catch rethrows; a real run prints it and exits 1.
    stderr += `${(error as Error).message}\n`;
    process.exitCode ??= 1;
  } finally {
    process.chdir(cwd);
    for (const spy of spies) spy.mockRestore();
    stdin?.mockRestore();
    setEnv(saved);
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T };
}

function mockStdin(text: string) {
  const chunks = [Buffer.from(text)];
  return vi.spyOn(process.stdin, Symbol.asyncIterator).mockImplementation(async function* () {
    yield* chunks;
  } as never);
}

function setEnv(values: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}
