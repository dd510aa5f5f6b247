/**
 * Configuration profiles: named sets of defaults for the flags people otherwise export as environment variables
 * (`nosana config set rpc https://… --profile devnet`, `nosana config use devnet`). One JSON file in the Nosana home,
 * mode 0600. Every command reads the active profile (`NOSANA_PROFILE`, else the one `config use` chose, else
 * `default`) below its flags and environment variables: flag > environment variable > profile > built-in default.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeAtomically } from './atomic-write.js';
import { nosanaHome } from './localnet-discovery.js';

/** One key of a profile: the flag it sets, the variable that outranks it, and how its value is checked. */
export interface ConfigKey {
  /** The flag whose default it is, in every command that has that flag. */
  flag: string;
  /** The environment variable that takes precedence over it. */
  env: string;
  summary: string;
  /** The stored form of a value, or an explanation of why it is refused. */
  check(value: string): { value: string } | { problem: string };
}

const NETWORKS = ['localnet', 'devnet', 'mainnet'];

const url =
  (what: string, extra: readonly string[] = []) =>
  (value: string): { value: string } | { problem: string } => {
    if (extra.includes(value)) return { value };
    try {
      const parsed = new URL(value);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return { value };
    } catch {
      // reported below
    }
    return {
      problem: `"${value}" is not an http(s) URL — give the ${what} like https://example.com${extra.length ? ` (or ${extra.join(', ')})` : ''}`,
    };
  };

/** The keys a profile may hold, in the order `config list` shows them. */
export const CONFIG_KEYS: Record<string, ConfigKey> = {
  network: {
    flag: 'network',
    env: 'NOSANA_NETWORK',
    summary: 'network: localnet, devnet or mainnet',
    check: (value) =>
      NETWORKS.includes(value)
        ? { value }
        : { problem: `"${value}" is not a network — use one of ${NETWORKS.join(', ')}` },
  },
  rpc: {
    flag: 'rpc',
    env: 'NOSANA_RPC',
    summary: 'Solana JSON-RPC URL',
    check: url('Solana JSON-RPC URL'),
  },
  'ipfs-api': {
    flag: 'ipfs',
    env: 'NOSANA_IPFS_API',
    summary: 'Kubo RPC API URL used to pin definitions and results',
    check: url('IPFS API URL'),
  },
  wallet: {
    flag: 'wallet',
    env: 'NOSANA_WALLET',
    summary: 'keypair file (stored as an absolute path)',
    check: (value) =>
      value.trim() === ''
        ? { problem: 'the wallet path is empty — give a keypair file' }
        : { value: resolve(value) },
  },
  market: {
    flag: 'market',
    env: 'NOSANA_MARKET',
    summary: 'market address (or name: cpu, gpu on localnet; a slug on devnet/mainnet)',
    check: (value) =>
      value.trim() === '' ? { problem: 'the market is empty — give an address or a name' } : { value },
  },
  gateway: {
    flag: 'gateway',
    env: 'NOSANA_GATEWAY_URL',
    summary: "gateway URL publishing jobs' services (or none)",
    check: url('gateway URL', ['none']),
  },
  indexer: {
    flag: 'indexer',
    env: 'NOSANA_INDEXER_URL',
    summary: 'indexer API URL (job list, job explain, explorer)',
    check: url('indexer URL'),
  },
};

/** The names of the keys. */
export const CONFIG_KEY_NAMES = Object.keys(CONFIG_KEYS);

/** The profile a command uses when none was chosen. */
export const DEFAULT_PROFILE = 'default';

/** The configuration file's content. */
export interface ConfigFile {
  /** The profile `config use` chose. */
  profile: string;
  profiles: Record<string, Record<string, string>>;
}

/** Where the profiles are kept: `~/.nosana/config.json`. */
export const configPath = (): string => join(nosanaHome(), 'config.json');

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Loads the lazily-imported error class (@nosana/core is not needed on the happy path). */
const fail = async <
  C extends
    | 'CLI__CONFIG_FILE_INVALID'
    | 'CLI__CONFIG_KEY_UNKNOWN'
    | 'CLI__CONFIG_VALUE_INVALID'
    | 'CLI__CONFIG_PROFILE_UNKNOWN'
    | 'CLI__INVALID_ARGUMENT',
>(
  code: C,
  message: string,
  context: import('@nosana/core').NosanaErrorContext<C>,
): Promise<never> => {
  const { NosanaError } = await import('@nosana/core');
  throw new NosanaError(code, message, context);
};

/**
 * Reads the configuration file (an empty one when it does not exist), checking every stored value.
 *
 * @example
 * ```ts
 * const config = await readConfig();
 * const rpc = config.profiles[config.profile]?.rpc;
 * ```
 */
export async function readConfig(path = configPath()): Promise<ConfigFile> {
  if (!existsSync(path)) return { profile: DEFAULT_PROFILE, profiles: {} };
  const fix = `fix it, or remove it and set the values again with \`nosana config set\``;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return fail(
      'CLI__CONFIG_FILE_INVALID',
      `${path} is not valid JSON (${(error as Error).message}) — ${fix}`,
      {
        path,
      },
    );
  }
  const file = parsed as Partial<ConfigFile> | null;
  if (
    typeof file !== 'object' ||
    file === null ||
    (file.profile !== undefined && typeof file.profile !== 'string') ||
    (file.profiles !== undefined && (typeof file.profiles !== 'object' || file.profiles === null))
  ) {
    return fail(
      'CLI__CONFIG_FILE_INVALID',
      `${path} is not a configuration file ({ "profile": "<name>", "profiles": { "<name>": { "<key>": "<value>" } } }) — ${fix}`,
      { path },
    );
  }
  const profiles: ConfigFile['profiles'] = {};
  for (const [name, values] of Object.entries(file.profiles ?? {})) {
    profiles[name] = {};
    for (const [key, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
      const checked =
        typeof value === 'string' && CONFIG_KEYS[key] ? CONFIG_KEYS[key].check(value) : undefined;
      if (!checked || 'problem' in checked) {
        const why = !CONFIG_KEYS[key]
          ? `unknown key (valid: ${CONFIG_KEY_NAMES.join(', ')})`
          : ((checked as { problem?: string } | undefined)?.problem ?? 'not a string');
        return fail('CLI__CONFIG_FILE_INVALID', `${path}: profiles.${name}.${key}: ${why} — ${fix}`, {
          path,
        });
      }
      profiles[name][key] = checked.value;
    }
  }
  return { profile: file.profile ?? DEFAULT_PROFILE, profiles };
}

/**
 * Writes the configuration file (mode 0600, in a 0700 directory) through a temporary file.
 *
 * @example
 * ```ts
 * writeConfig({ profile: 'devnet', profiles: { devnet: { network: 'devnet' } } });
 * ```
 */
export function writeConfig(config: ConfigFile, path = configPath()): void {
  writeAtomically(path, `${JSON.stringify(config, null, 2)}\n`);
}

/** The profile commands use: `NOSANA_PROFILE`, else the one `config use` chose, else `default`. */
export const activeProfile = (config: ConfigFile, env: NodeJS.ProcessEnv = process.env): string =>
  env.NOSANA_PROFILE || config.profile || DEFAULT_PROFILE;

/**
 * Checks a key name, with the closest valid one suggested and all of them listed.
 *
 * @example
 * ```ts
 * const key = await configKey('rpc');
 * ```
 */
export async function configKey(name: string): Promise<ConfigKey> {
  const key = CONFIG_KEYS[name];
  if (key) return key;
  const { closest } = await import('@nosana/core');
  const lower = name.toLowerCase();
  const near =
    closest(name, CONFIG_KEY_NAMES) ??
    CONFIG_KEY_NAMES.find((key) => key.startsWith(lower) || lower.startsWith(key));
  return fail(
    'CLI__CONFIG_KEY_UNKNOWN',
    `"${name}" is not a configuration key${near ? ` — did you mean "${near}"?` : '.'} Valid keys: ${CONFIG_KEY_NAMES.join(', ')}`,
    { key: name, keys: CONFIG_KEY_NAMES },
  );
}

/**
 * Checks a value for a key; resolves with the form to store (a wallet path made absolute).
 *
 * @example
 * ```ts
 * const value = await configValue('network', 'devnet');
 * ```
 */
export async function configValue(name: string, value: string): Promise<string> {
  const checked = (await configKey(name)).check(value);
  if ('problem' in checked)
    return fail('CLI__CONFIG_VALUE_INVALID', `config ${name}: ${checked.problem}`, { key: name, value });
  return checked.value;
}

/**
 * Checks a profile name (letters, digits, `.`, `_`, `-`; at most 64).
 *
 * @example
 * ```ts
 * const profile = await profileName('devnet');
 * ```
 */
export async function profileName(name: string): Promise<string> {
  if (PROFILE_NAME.test(name)) return name;
  return fail(
    'CLI__INVALID_ARGUMENT',
    `"${name}" is not a profile name — use letters, digits, ".", "_" and "-" (at most 64), like devnet`,
    { argument: 'profile', value: name },
  );
}
