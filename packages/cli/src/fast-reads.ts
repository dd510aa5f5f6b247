/**
 * The chain reads of the start-up fast path — `nosana market list`, `nosana market get <market>`
 * and `nosana job get <job>` (fast-job-get.ts) — read with `@nosana/chain/lite` (plain JSON-RPC over `node:http`, no
 * web3.js) and printed with the commands' own functions (market-output.ts, job-output.ts), so that they cost about
 * what their round trips cost. The flags are the commands' network flags (`--network`/`-n`, `--rpc`, `--ipfs`) and
 * `--json`, with the same defaults (flag-defaults.ts: environment, profile, the running localnet). Anything else —
 * another flag, a stored market directory (`market sync`: its names come with checks the client makes), a case the
 * lite reads do not cover — is left to oclif, which runs the same command with the full client; a test compares
 * both paths' output.
 */
import { existsSync } from 'node:fs';
import { errorEnvelope, errorText } from './envelope.js';
import { normalizeError } from './errors.js';
import type { Colorize } from './format.js';

/** Where a fast read writes and what it reads (see fast-path.ts). */
export interface FastReadIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  colorize: Colorize;
}

/** A read command line the fast path can answer: its arguments and network flags. */
export interface ReadLine {
  args: string[];
  json: boolean;
  network?: string;
  rpc?: string;
  ipfs?: string;
}

/** A `market list` / `market get` command line. */
export interface MarketRead extends ReadLine {
  command: 'list' | 'get';
}

const NETWORK_NAMES = ['localnet', 'devnet', 'mainnet'];
const VALUE_FLAGS: Record<string, 'network' | 'rpc' | 'ipfs'> = {
  '--network': 'network',
  '-n': 'network',
  '--rpc': 'rpc',
  '--ipfs': 'ipfs',
};

/**
 * Parses a read's arguments and flags; null when oclif must run it (help, another flag, a flag without its value,
 * not exactly `count` arguments).
 *
 * @example
 * ```ts
 * parseReadLine(['cpu', '--json'], 1); // { args: ['cpu'], json: true }
 * ```
 */
export function parseReadLine(rest: string[], count: number): ReadLine | null {
  const read: ReadLine = { args: [], json: false };
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    const [name, inline] = token.startsWith('--') && token.includes('=') ? token.split(/=(.*)/s) : [token];
    const flag = VALUE_FLAGS[name!];
    if (name === '--json' && inline === undefined) read.json = true;
    else if (flag) {
      const value = inline ?? rest[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('-'))) return null;
      read[flag] = value;
    } else if (token.startsWith('-')) return null;
    else read.args.push(token);
  }
  return read.args.length === count ? read : null;
}

/**
 * Parses `market list …` / `market get <market> …` (argv after `market`); null when oclif must run it.
 *
 * @example
 * ```ts
 * parseMarketRead(['get', 'cpu', '--json']); // { command: 'get', args: ['cpu'], json: true }
 * ```
 */
export function parseMarketRead(argv: string[]): MarketRead | null {
  const [command, ...rest] = argv;
  if (command !== 'list' && command !== 'get') return null;
  const read = parseReadLine(rest, command === 'get' ? 1 : 0);
  return read && { command, ...read };
}

/** The network a read talks to, after the flags' defaults. */
export interface ReadNetwork {
  name: 'localnet' | 'devnet' | 'mainnet';
  config: import('@nosana/chain/lite').NetworkConfig;
}

/**
 * Fills the read's network flags as the oclif commands do (environment, profile, running localnet) and resolves
 * the network; null when oclif must run it (a network name it will refuse, a stored market directory).
 *
 * @example
 * ```ts
 * const network = await readNetwork(read, io); // { name: 'localnet', config: { rpcUrl: 'http://127.0.0.1:8899', … } }
 * ```
 */
export async function readNetwork(read: ReadLine, io: FastReadIo): Promise<ReadNetwork | null> {
  const flags: Record<string, unknown> = {
    network: read.network ?? io.env.NOSANA_NETWORK ?? 'localnet',
    rpc: read.rpc ?? io.env.NOSANA_RPC,
    ipfs: read.ipfs ?? io.env.NOSANA_IPFS_API,
  };
  const fromDefault = read.network === undefined && io.env.NOSANA_NETWORK === undefined;
  const [{ applyFlagDefaults }, { directoryPath }] = await Promise.all([
    import('./flag-defaults.js'),
    import('./market-directory-path.js'),
  ]);
  await applyFlagDefaults({
    flags,
    metadata: { flags: { network: { setFromDefault: fromDefault } } },
    definitions: { network: { type: 'option' }, rpc: { type: 'option' }, ipfs: { type: 'option' } },
    env: io.env,
  });
  const name = String(flags.network);
  if (!NETWORK_NAMES.includes(name) || existsSync(directoryPath(name))) return null;
  const { resolveNetwork } = await import('@nosana/chain/lite');
  const config = resolveNetwork({
    network: name,
    ...(flags.rpc ? { rpcUrl: String(flags.rpc) } : {}),
    ...(flags.ipfs ? { ipfsApiUrl: String(flags.ipfs) } : {}),
  });
  return { name: name as ReadNetwork['name'], config };
}

/**
 * Runs a fast read: `work` resolves with the human lines and the `--json` result, or null when oclif must run the
 * command after all (nothing is printed then). Prints as the oclif command would, errors included (with
 * `process.exitCode`), and resolves whether it answered.
 *
 * @example
 * ```ts
 * return answer(read, io, async () => ({ lines: 'hello', result: { ok: true } }));
 * ```
 */
export async function answer(
  read: ReadLine,
  io: FastReadIo,
  work: () => Promise<{ lines: string; result: unknown } | null>,
): Promise<boolean> {
  try {
    const done = await work();
    if (!done) return false;
    io.stdout(
      read.json
        ? `${JSON.stringify({ status: 'ok', result: done.result, warnings: [] }, null, 2)}\n`
        : `${done.lines}\n`,
    );
  } catch (error) {
    const normalized = normalizeError(error);
    process.exitCode = normalized.exitCode;
    if (read.json) io.stdout(`${JSON.stringify(errorEnvelope(error, []), null, 2)}\n`);
    else io.stderr(`${errorText(normalized, io.colorize)}\n`);
  }
  return true;
}

/**
 * Answers a parsed market read; resolves false (having printed nothing) when oclif must run it after all.
 *
 * @example
 * ```ts
 * const read = parseMarketRead(argv.slice(1));
 * if (read && (await runMarketRead(read, io))) return true;
 * ```
 */
export async function runMarketRead(read: MarketRead, io: FastReadIo): Promise<boolean> {
  return answer(read, io, async () => {
    const network = await readNetwork(read, io);
    if (!network) return null;
    const lite = await import('@nosana/chain/lite');
    const rpc = { rpcUrl: network.config.rpcUrl };
    const names = await lite.liteMarketNames({ ...rpc, network: network.name });
    const output = await import('./market-output.js');
    if (read.command === 'list') {
      const markets = await lite.listMarketsLite({ ...rpc, programs: network.config.programs, names });
      return {
        lines: output.marketTable(markets, io.colorize),
        result: { markets: markets.map(output.summarizeMarket) },
      };
    }
    const market = await lite.getMarketLite({
      ...rpc,
      programs: network.config.programs,
      network: network.name,
      names,
      market: read.args[0]!,
    });
    return { lines: output.marketDetails(market, io.colorize), result: output.summarizeMarket(market) };
  });
}
