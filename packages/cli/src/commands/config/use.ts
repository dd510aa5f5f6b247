import { Args } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { configPath, DEFAULT_PROFILE, profileName, readConfig, writeConfig } from '../../config-profiles.js';

/** What `nosana config use --json` returns. */
export interface ConfigUseResult {
  /** The profile commands use from now on. */
  profile: string;
  /** The one they used before. */
  previous: string;
  path: string;
}

export default class ConfigUse extends NosanaCommand<ConfigUseResult> {
  static override summary = 'make a configuration profile the active one';
  static override description =
    'Commands use it from now on (`NOSANA_PROFILE` still picks another for one shell). The profile must exist (`nosana config set <key> <value> --profile <name>` creates it); `default` always does.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> devnet',
    '<%= config.bin %> <%= command.id %> default',
  ];
  static override args = {
    profile: Args.string({ description: 'profile name', required: true }),
  };

  async run(): Promise<ConfigUseResult> {
    const { args } = await this.parse(ConfigUse);
    const profile = await profileName(args.profile);
    const path = configPath();
    const config = await readConfig(path);
    const profiles = [...new Set([DEFAULT_PROFILE, ...Object.keys(config.profiles)])].sort();
    if (!profiles.includes(profile)) {
      const { NosanaError } = await import('@nosana/core');
      throw new NosanaError(
        'CLI__CONFIG_PROFILE_UNKNOWN',
        `there is no profile "${profile}" — existing profiles: ${profiles.join(', ')}; create it with \`nosana config set <key> <value> --profile ${profile}\``,
        { profile, profiles },
      );
    }
    const previous = config.profile;
    writeConfig({ ...config, profile }, path);
    if (process.env.NOSANA_PROFILE && process.env.NOSANA_PROFILE !== profile)
      this.warnUser(
        `NOSANA_PROFILE=${process.env.NOSANA_PROFILE} is set: commands in this shell still use that profile`,
      );
    this.log(`Using profile ${profile} (was ${previous}).`);
    return { profile, previous, path };
  }
}
