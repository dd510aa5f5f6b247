import { Args, Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import {
  activeProfile,
  CONFIG_KEY_NAMES,
  configKey,
  configPath,
  profileName,
  readConfig,
  writeConfig,
} from '../../config-profiles.js';

/** What `nosana config unset --json` returns. */
export interface ConfigUnsetResult {
  profile: string;
  key: string;
  /** The value removed, or null when it was not set. */
  removed: string | null;
  path: string;
}

export default class ConfigUnset extends NosanaCommand<ConfigUnsetResult> {
  static override summary = 'remove a default from a configuration profile';
  static override examples = [
    '<%= config.bin %> <%= command.id %> rpc',
    '<%= config.bin %> <%= command.id %> market --profile devnet',
  ];
  static override args = {
    key: Args.string({ description: `one of ${CONFIG_KEY_NAMES.join(', ')}`, required: true }),
  };
  static override flags = {
    profile: Flags.string({ char: 'p', summary: 'profile to change (default: the active one)' }),
  };

  async run(): Promise<ConfigUnsetResult> {
    const { args, flags } = await this.parse(ConfigUnset);
    await configKey(args.key);
    const path = configPath();
    const config = await readConfig(path);
    const profile = await profileName(flags.profile ?? activeProfile(config));
    const values = config.profiles[profile] ?? {};
    const removed = values[args.key] ?? null;
    if (removed !== null) {
      delete values[args.key];
      writeConfig(config, path);
    }
    this.log(
      removed === null
        ? `${args.key} was not set (profile ${profile})`
        : `unset ${args.key} (profile ${profile})`,
    );
    return { profile, key: args.key, removed, path };
  }
}
