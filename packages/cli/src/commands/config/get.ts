import { Args, Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import {
  activeProfile,
  CONFIG_KEY_NAMES,
  configKey,
  profileName,
  readConfig,
} from '../../config-profiles.js';

/** What `nosana config get --json` returns. */
export interface ConfigGetResult {
  profile: string;
  key: string;
  /** The profile's value, or null when it does not set the key. */
  value: string | null;
  /** The environment variable that outranks it, and its value when set (then commands use that instead). */
  env: { name: string; value: string | null };
}

export default class ConfigGet extends NosanaCommand<ConfigGetResult> {
  static override summary = "print a configuration profile's value for a key";
  static override description =
    'Prints the value alone (for scripts: `$(nosana config get rpc)`), nothing when the profile does not set it. A warning says when an environment variable overrides it.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> rpc',
    '<%= config.bin %> <%= command.id %> network --profile devnet --json',
  ];
  static override args = {
    key: Args.string({ description: `one of ${CONFIG_KEY_NAMES.join(', ')}`, required: true }),
  };
  static override flags = {
    profile: Flags.string({ char: 'p', summary: 'profile to read (default: the active one)' }),
  };

  async run(): Promise<ConfigGetResult> {
    const { args, flags } = await this.parse(ConfigGet);
    const key = await configKey(args.key);
    const config = await readConfig();
    const profile = await profileName(flags.profile ?? activeProfile(config));
    const value = config.profiles[profile]?.[args.key] ?? null;
    const envValue = process.env[key.env] || null;
    if (envValue !== null)
      this.warnUser(`${key.env} is set (${envValue}): commands use it instead of the profile's value`);
    if (value !== null) this.log(value);
    return { profile, key: args.key, value, env: { name: key.env, value: envValue } };
  }
}
