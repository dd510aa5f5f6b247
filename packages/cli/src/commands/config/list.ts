import { Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { activeProfile, CONFIG_KEYS, configPath, profileName, readConfig } from '../../config-profiles.js';
import { details } from '../../output.js';

/** One key of `nosana config list --json`. */
export interface ConfigListEntry {
  key: string;
  /** The profile's value, or null when it does not set it. */
  value: string | null;
  /** The environment variable that outranks it, and its value when set. */
  env: { name: string; value: string | null };
  /** The flag it is the default of (`--ipfs` for ipfs-api). */
  flag: string;
  summary: string;
}

/** What `nosana config list --json` returns. */
export interface ConfigListResult {
  /** The configuration file. */
  path: string;
  /** The profile commands use now (`NOSANA_PROFILE`, else the one `config use` chose, else default). */
  active: string;
  /** The profile listed. */
  profile: string;
  /** Every profile in the file. */
  profiles: string[];
  keys: ConfigListEntry[];
}

export default class ConfigList extends NosanaCommand<ConfigListResult> {
  static override summary = "list a configuration profile's values, and the profiles";
  static override description =
    'Precedence: flag > environment variable > profile > built-in default. An environment variable that is set is shown next to the value it overrides.';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --profile devnet --json',
  ];
  static override flags = {
    profile: Flags.string({ char: 'p', summary: 'profile to list (default: the active one)' }),
  };

  async run(): Promise<ConfigListResult> {
    const { flags } = await this.parse(ConfigList);
    const path = configPath();
    const config = await readConfig(path);
    const active = activeProfile(config);
    const profile = await profileName(flags.profile ?? active);
    const values = config.profiles[profile] ?? {};
    const keys = Object.entries(CONFIG_KEYS).map(([key, definition]) => ({
      key,
      value: values[key] ?? null,
      env: { name: definition.env, value: process.env[definition.env] || null },
      flag: `--${definition.flag}`,
      summary: definition.summary,
    }));
    const profiles = [...new Set([...Object.keys(config.profiles), active])].sort();
    this.log(
      details([
        ['file', path],
        ['profile', profile === active ? `${profile} (active)` : profile],
        ['profiles', profiles.map((name) => (name === active ? `${name}*` : name)).join(', ')],
      ]),
    );
    this.log('');
    this.log(
      details(
        keys.map(({ key, value, env }) => [
          key,
          `${value ?? '-'}${env.value === null ? '' : `  (overridden by ${env.name}=${env.value})`}`,
        ]),
      ),
    );
    return { path, active, profile, profiles, keys };
  }
}
