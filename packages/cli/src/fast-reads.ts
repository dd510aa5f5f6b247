/**
 * `nosana market list` and `nosana market get <market>` on the start-up fast path: read with `@nosana/chain/lite`
 * (plain JSON-RPC over `node:http`, no web3.js) and printed with the commands' own functions (market-output.ts), so
 * that they cost about what their round trips cost. The flags are the commands' (`--network`/`-n`, `--rpc`,
 * `--json`) with the same defaults (flag-defaults.ts: environment, profile, the running localnet). Anything else —
 * another flag, a stored market directory (`market sync`: its names come with checks the client makes) — is left to
 * oclif, which runs the same command with the full client; a test compares both paths' output.
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

/** A `market list` / `market get` command line the fast path can answer. */
export interface MarketRead {
  command: 'list' | 'get';
  /** `market get`'s argument. */
  market?: string;
  json: boolean;
  network?: string;
  rpc?: string;
}

const NETWORK_NAMES = ['localnet', 'devnet', 'mainnet'];

/**
 * Parses `market list …` / `market get <market> …` (argv after `market`); null when oclif must run it (help, an
 * unknown flag, a missing or extra argument, a flag without its value).
 *
 * @example
 * ```ts
 * parseMarketRead(['get', 'cpu', '--json']); // { command: 'get', market: 'cpu', json: true }
 * ```
 */
export function parseMarketRead(argv: string[]): MarketRead | null {
  const [command, ...rest] = argv;
  if (command !== 'list' && command !== 'get') return null;
  const read: MarketRead = { command, json: false };
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    const [name, inline] = token.startsWith('--') && token.includes('=') ? token.split(/=(.*)/s) : [token];
    if (name === '--json' && inline === undefined) read.json = true;
    else if (name === '--network' || name === '-n' || name === '--rpc') {
      const value = inline ?? rest[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('-'))) return null;
      if (name === '--rpc') read.rpc = value;
      else read.network = value;
    } else if (token.startsWith('-')) return null;
    else positional.push(token);
  }
  if (positional.length !== (command === 'get' ? 1 : 0)) return null;
  if (command === 'get') read.market = positional[0]!;
  return read;
}

/**
 * Answers a parsed market read; resolves false (having printed nothing) when oclif must run it after all. Sets
 * `process.exitCode` on an error, as the oclif command would.
 *
 * @example
 * ```ts
 * const read = parseMarketRead(argv.slice(1));
 * if (read && (await runMarketRead(read, io))) return true;
 * ```
 */
export async function runMarketRead(read: MarketRead, io: FastReadIo): Promise<boolean> {
  const flags: Record<string, unknown> = {
    network: read.network ?? io.env.NOSANA_NETWORK ?? 'localnet',
    rpc: read.rpc ?? io.env.NOSANA_RPC,
  };
  const fromDefault = read.network === undefined && io.env.NOSANA_NETWORK === undefined;
  try {
    const [{ applyFlagDefaults }, { directoryPath }] = await Promise.all([
      import('./flag-defaults.js'),
      import('./market-directory-path.js'),
    ]);
    await applyFlagDefaults({
      flags,
      metadata: { flags: { network: { setFromDefault: fromDefault } } },
      definitions: { network: { type: 'option' }, rpc: { type: 'option' } },
      env: io.env,
    });
    const network = String(flags.network);
    if (!NETWORK_NAMES.includes(network) || existsSync(directoryPath(network))) return false;
    const lite = await import('@nosana/chain/lite');
    const config = lite.resolveNetwork({ network, ...(flags.rpc ? { rpcUrl: String(flags.rpc) } : {}) });
    const rpc = { rpcUrl: config.rpcUrl };
    const names = await lite.liteMarketNames({ ...rpc, network });
    const output = await import('./market-output.js');
    let lines: string;
    let result: unknown;
    if (read.command === 'list') {
      const markets = await lite.listMarketsLite({ ...rpc, programs: config.programs, names });
      lines = output.marketTable(markets, io.colorize);
      result = { markets: markets.map(output.summarizeMarket) };
    } else {
      const market = await lite.getMarketLite({
        ...rpc,
        programs: config.programs,
        names,
        market: read.market!,
        network,
      });
      lines = output.marketDetails(market, io.colorize);
      result = output.summarizeMarket(market);
    }
    io.stdout(
      read.json ? `${JSON.stringify({ status: 'ok', result, warnings: [] }, null, 2)}\n` : `${lines}\n`,
    );
  } catch (error) {
    const normalized = normalizeError(error);
    process.exitCode = normalized.exitCode;
    if (read.json) io.stdout(`${JSON.stringify(errorEnvelope(error, []), null, 2)}\n`);
    else io.stderr(`${errorText(normalized, io.colorize)}\n`);
  }
  return true;
}
