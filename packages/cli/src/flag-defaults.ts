/**
 * The defaults below flags and environment variables, applied once to every command's parsed flags (by the base
 * command): first the active configuration profile (config-profiles.ts), then — on localnet — the running localnet
 * that `nosana localnet start` published (localnet-discovery.ts), then the flags' built-in defaults. So:
 * flag > environment variable > profile > discovered localnet > built-in default.
 */
import { activeProfile, CONFIG_KEYS, readConfig } from './config-profiles.js';
import { findLocalnet, type LocalnetEndpoints } from './localnet-discovery.js';

/** What the parser says about one flag. */
interface FlagDefinition {
  type: string;
}

/** Parameters of {@link applyFlagDefaults}. */
export interface ApplyFlagDefaultsParameters {
  /** The parsed flags; filled in place. */
  flags: Record<string, unknown>;
  /** The parser's metadata: which flags took their built-in default. */
  metadata: { flags: Record<string, { setFromDefault?: boolean } | undefined> };
  /** The command's flag definitions (its own and its base flags). */
  definitions: Record<string, FlagDefinition | undefined>;
  /** Default: the process's. */
  env?: NodeJS.ProcessEnv;
  /** Default: the running localnet the pointer names (see localnet-discovery.ts). */
  findLocalnet?: () => LocalnetEndpoints | null;
}

/** What {@link applyFlagDefaults} filled in, and from where (for messages and tests). */
export interface ApplyFlagDefaultsResult {
  profile: string | null;
  filled: Record<string, 'profile' | 'localnet'>;
}

const LOCALNET_FLAGS = ['rpc', 'ipfs', 'indexer'];

/**
 * Fills the string flags a command was not given (absent, or at their built-in default) from the active profile,
 * then the localnet URLs from the running localnet.
 *
 * @example
 * ```ts
 * const { flags, metadata } = await this.parse(MyCommand);
 * await applyFlagDefaults({ flags, metadata, definitions: { ...MyCommand.baseFlags, ...MyCommand.flags } });
 * ```
 */
export async function applyFlagDefaults(
  parameters: ApplyFlagDefaultsParameters,
): Promise<ApplyFlagDefaultsResult> {
  const { flags, metadata, definitions } = parameters;
  const filled: ApplyFlagDefaultsResult['filled'] = {};
  const open = (name: string) =>
    definitions[name]?.type === 'option' &&
    filled[name] === undefined &&
    (flags[name] === undefined || metadata.flags[name]?.setFromDefault === true);
  const keys = Object.values(CONFIG_KEYS).filter((key) => open(key.flag));
  const result: ApplyFlagDefaultsResult = { profile: null, filled };
  if (keys.length === 0 && !LOCALNET_FLAGS.some(open)) return result;

  const config = await readConfig();
  result.profile = activeProfile(config, parameters.env);
  const values = config.profiles[result.profile] ?? {};
  for (const [name, key] of Object.entries(CONFIG_KEYS)) {
    const value = values[name];
    if (value !== undefined && open(key.flag)) {
      flags[key.flag] = value;
      filled[key.flag] = 'profile';
    }
  }

  // On localnet (or in a command without --network), the localnet `nosana localnet start` published.
  const network = definitions.network ? flags.network : 'localnet';
  if (network !== 'localnet' || !LOCALNET_FLAGS.some(open)) return result;
  const localnet = (parameters.findLocalnet ?? findLocalnet)();
  if (!localnet) return result;
  if (open('rpc')) {
    flags.rpc = localnet.rpcUrl;
    filled.rpc = 'localnet';
  }
  // Its IPFS API and indexer go with its RPC only, never with another one given by a flag or the profile.
  const same = !definitions.rpc || flags.rpc === localnet.rpcUrl;
  if (same && open('ipfs')) {
    flags.ipfs = localnet.ipfsApiUrl;
    filled.ipfs = 'localnet';
  }
  // An indexer is used only where the command has a built-in one (the explorer); `job list` keeps scanning the RPC.
  if (same && localnet.indexerUrl && open('indexer') && flags.indexer !== undefined) {
    flags.indexer = localnet.indexerUrl;
    filled.indexer = 'localnet';
  }
  return result;
}
