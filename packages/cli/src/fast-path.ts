/**
 * The start-up fast path of the `nosana` binary: `nosana --version`, `nosana job validate <files…> [--json]` and
 * the chain reads (`market list`, `market get <market>`, `job get <job>`: fast-reads.ts, fast-job-get.ts) are
 * answered without loading oclif (whose import costs about twice a bare Node start) or web3.js. Output, exit codes and
 * the `--json` envelope are the same as the oclif commands' (validate-files.ts and envelope.ts are shared; a
 * test compares both paths). Any other argument list, or anything unusual in it, goes to oclif.
 */
import { readFileSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { join } from 'node:path';
import { errorEnvelope, errorText } from './envelope.js';
import { normalizeError } from './errors.js';

/** Where the fast path writes, and the environment it reads (the process's by default). */
export interface FastPathIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const processIo = (): FastPathIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});

/**
 * Runs `argv` on the fast path when it can; resolves with false (having printed nothing) when oclif must run it.
 * Sets `process.exitCode` as the oclif command would.
 *
 * @example
 * ```ts
 * if (!(await runFastPath(process.argv.slice(2)))) await (await import('@oclif/core')).execute({ dir: packageRoot });
 * ```
 */
export async function runFastPath(argv: string[], io: FastPathIo = processIo()): Promise<boolean> {
  if (io.env.NOSANA_CLI_FAST_PATH === '0' || io.env.DEBUG || io.env.NOSANA_DEBUG) return false;
  if (argv[0] === '--version' || argv[0] === '-v') return printVersion(io);
  if (argv[0] === 'job' && argv[1] === 'validate') return validate(argv.slice(2), io);
  if (argv[0] === 'market') return marketRead(argv.slice(1), io);
  if (argv[0] === 'job' && argv[1] === 'get') return jobGet(argv.slice(2), io);
  return false;
}

/** oclif's user agent line: `@nosana/cli/0.1.0 linux-x64 node-v20.19.0`. */
function printVersion(io: FastPathIo): boolean {
  // oclif names Windows Subsystem for Linux `wsl`; that rare case is left to it.
  if (platform() === 'linux' && release().toLowerCase().includes('microsoft')) return false;
  const pkg = JSON.parse(readFileSync(join(here(), '..', 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const cpu = arch() === 'ia32' ? 'x86' : arch();
  io.stdout(`${pkg.name}/${pkg.version} ${platform()}-${cpu} node-${process.version}\n`);
  return true;
}

async function validate(rest: string[], io: FastPathIo): Promise<boolean> {
  const json = rest.includes('--json');
  const files = rest.filter((a) => a !== '--json');
  // Help, other flags and a missing file (a usage error) are oclif's.
  if (files.length === 0 || files.some((a) => a.startsWith('-') && a !== '-')) return false;
  const colorize = await colorizer();
  const { validateFiles } = await import('./validate-files.js');
  const warnings: string[] = [];
  try {
    const result = await validateFiles({
      files,
      log: (line) => {
        if (!json) io.stdout(`${line}\n`);
      },
      warn: (message) => {
        warnings.push(message);
        if (!json) io.stderr(`${colorize('yellow', `Warning: ${message}`)}\n`);
      },
      colorize,
    });
    if (json) io.stdout(`${JSON.stringify({ status: 'ok', result, warnings }, null, 2)}\n`);
  } catch (error) {
    const normalized = normalizeError(error);
    process.exitCode = normalized.exitCode;
    if (json) io.stdout(`${JSON.stringify(errorEnvelope(error, warnings), null, 2)}\n`);
    else io.stderr(`${errorText(normalized, colorize)}\n`);
  }
  return true;
}

async function marketRead(rest: string[], io: FastPathIo): Promise<boolean> {
  const { parseMarketRead, runMarketRead } = await import('./fast-reads.js');
  const read = parseMarketRead(rest);
  if (!read) return false;
  return runMarketRead(read, { ...io, colorize: await colorizer() });
}

async function jobGet(rest: string[], io: FastPathIo): Promise<boolean> {
  const { parseJobGet, runJobGet } = await import('./fast-job-get.js');
  const read = parseJobGet(rest);
  if (!read) return false;
  return runJobGet(read, { ...io, colorize: await colorizer() });
}

/** This module's directory: `__dirname` in the CommonJS bundle (dist/), `import.meta.dirname` from the sources. */
function here(): string {
  return typeof __dirname === 'string' ? __dirname : import.meta.dirname;
}

type Color = 'green' | 'yellow' | 'red' | 'bold' | 'dim';

/** oclif's `ux.colorize` for the standard colors: the same two libraries decide whether to color. */
async function colorizer(): Promise<(color: Color | string, text: string) => string> {
  const [{ default: ansis }, { default: supportsColor }] = await Promise.all([
    import('ansis'),
    import('supports-color'),
  ]);
  const enabled = Boolean(supportsColor.stdout) && Boolean(supportsColor.stderr);
  return (color, text) => (enabled ? (ansis[color as Color]?.(text) ?? text) : text);
}
