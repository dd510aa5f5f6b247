import { CLI_PARITY } from './cli-parity.js';

/** Renders docs/cli.md and the command surface snapshot from the commands' manifest (see cli-reference.test.ts). */
interface ManifestFlag {
  name: string;
  char?: string;
  summary?: string;
  description?: string;
  env?: string;
  type: 'boolean' | 'option';
  required?: boolean;
  multiple?: boolean;
  options?: string[];
  default?: unknown;
  helpGroup?: string;
}
interface ManifestCommand {
  id: string;
  summary?: string;
  description?: string;
  examples?: Array<string | { command: string; description: string }>;
  args: Record<string, { name: string; description?: string; required?: boolean }>;
  flags: Record<string, ManifestFlag>;
  strict?: boolean;
}
export interface Manifest {
  commands: Record<string, ManifestCommand>;
}

const sorted = (manifest: Manifest) =>
  Object.values(manifest.commands).sort((a, b) => a.id.localeCompare(b.id));
const spaced = (id: string) => id.replaceAll(':', ' ');

/** Every command's arguments and flags: a snapshot makes breaking changes to the CLI surface visible in review. */
export function commandSurface(manifest: Manifest) {
  return sorted(manifest).map((command) => ({
    command: spaced(command.id),
    args: Object.values(command.args).map(
      (a) => `${a.name}${a.required ? '' : '?'}${command.strict === false ? '...' : ''}`,
    ),
    flags: Object.values(command.flags)
      .map(
        (f) =>
          `--${f.name}${f.char ? ` -${f.char}` : ''}${f.type === 'option' ? ' <value>' : ''}${f.required ? ' (required)' : ''}`,
      )
      .sort(),
  }));
}

export function renderCliReference(manifest: Manifest): string {
  const lines = [
    '# `nosana` CLI reference',
    '',
    '<!-- Generated from the command sources by packages/cli/src/cli-reference.test.ts. Do not edit: change the commands and run `pnpm exec vitest run src/cli-reference.test.ts -u` in packages/cli. -->',
    '',
    'Every command accepts `--json` and then prints one envelope on stdout:',
    '`{ "status": "ok" | "error", "result", "warnings", "error"?: { "code", "message" }, "errors"?: [...] }`.',
    'Exit codes: `0` success, `1` bad input, `2` the job failed or was stopped, `3` network/RPC/IPFS/engine error.',
    '',
    'Where a value comes from, first match wins: the flag, its environment variable, the active configuration profile',
    '(`nosana config set|use`, `~/.nosana/config.json`; `NOSANA_PROFILE` picks one for a shell; keys `network`, `rpc`,',
    '`ipfs-api`, `wallet`, `market`, `gateway`, `indexer`), then — on localnet, for `--rpc` and `--ipfs` — the localnet',
    '`nosana localnet start` runs (it points `~/.nosana/current-localnet.json` at its data directory, whose',
    '`endpoints.json` holds its URLs), then the built-in default.',
    '',
  ];
  for (const command of sorted(manifest)) {
    const args = Object.values(command.args)
      .map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`) + (command.strict === false ? '...' : ''))
      .join(' ');
    lines.push(`## \`nosana ${spaced(command.id)}\``, '');
    if (command.summary) lines.push(`${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`, '');
    if (command.description) lines.push(command.description, '');
    lines.push('```', `nosana ${spaced(command.id)}${args ? ` ${args}` : ''} [flags]`, '```', '');
    const argList = Object.values(command.args);
    if (argList.length > 0) {
      lines.push('| argument | description |', '|---|---|');
      for (const a of argList) lines.push(`| \`${a.name}\` | ${a.description ?? ''} |`);
      lines.push('');
    }
    const flags = Object.values(command.flags);
    if (flags.length > 0) {
      lines.push('| flag | description |', '|---|---|');
      for (const f of flags) {
        const name = `\`--${f.name}${f.type === 'option' ? ' <value>' : ''}\`${f.char ? ` (\`-${f.char}\`)` : ''}`;
        const extra = [
          f.options ? `one of ${f.options.map((o) => `\`${o}\``).join(', ')}` : '',
          f.default !== undefined && f.default !== false ? `default \`${String(f.default)}\`` : '',
          f.required ? 'required' : '',
          f.env ? `env \`${f.env}\`` : '',
        ].filter(Boolean);
        lines.push(
          `| ${name} | ${[f.summary, f.description].filter(Boolean).join('. ').replaceAll('|', '\\|').replaceAll('\n', ' ')}${extra.length ? ` (${extra.join('; ')})` : ''} |`,
        );
      }
      lines.push('');
    }
    if (command.examples?.length) {
      lines.push('Examples:', '', '```sh');
      for (const example of command.examples) {
        const text = typeof example === 'string' ? example : example.command;
        lines.push(
          text.replaceAll('<%= config.bin %>', 'nosana').replaceAll('<%= command.id %>', spaced(command.id)),
        );
      }
      lines.push('```', '');
    }
  }
  return `${lines.join('\n')}\n${CLI_PARITY}`;
}
