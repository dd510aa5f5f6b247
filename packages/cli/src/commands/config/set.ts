import { Args, Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import {
  activeProfile,
  CONFIG_KEY_NAMES,
  configPath,
  configValue,
  profileName,
  readConfig,
  writeConfig,
} from '../../config-profiles.js';

/** What `nosana config set --json` returns. */
export interface ConfigSetResult {
  profile: string;
  key: string;
  /** The value stored (a wallet path made absolute). */
  value: string;
  /** The configuration file. */
  path: string;
}

export default class ConfigSet extends NosanaCommand<ConfigSetResult> {
  static override summary = 'set a default in a configuration profile';
  static override description =
    `Keys: ${CONFIG_KEY_NAMES.join(', ')}. Every command takes them as defaults for the flags of the same name (ipfs-api: --ipfs), below flags and environment variables: flag > environment variable > profile > built-in default. The profile is created when it does not exist. Stored in ~/.nosana/config.json (mode 0600).`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> rpc https://api.devnet.solana.com --profile devnet',
    '<%= config.bin %> <%= command.id %> network devnet --profile devnet',
    '<%= config.bin %> <%= command.id %> wallet ~/keys/devnet.json --profile devnet',
    '<%= config.bin %> <%= command.id %> market gpu',
  ];
  static override args = {
    key: Args.string({ description: `one of ${CONFIG_KEY_NAMES.join(', ')}`, required: true }),
    value: Args.string({ description: 'its value', required: true }),
  };
  static override flags = {
    profile: Flags.string({
      char: 'p',
      summary: 'profile to change (default: the active one)',
    }),
  };

  async run(): Promise<ConfigSetResult> {
    const { args, flags } = await this.parse(ConfigSet);
    const value = await configValue(args.key, args.value);
    const path = configPath();
    const config = await readConfig(path);
    const profile = await profileName(flags.profile ?? activeProfile(config));
    config.profiles[profile] = { ...config.profiles[profile], [args.key]: value };
    writeConfig(config, path);
    this.log(`${args.key} = ${value} (profile ${profile})`);
    return { profile, key: args.key, value, path };
  }
}
