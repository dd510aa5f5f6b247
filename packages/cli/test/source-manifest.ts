/**
 * The oclif manifest of the commands, built from their sources (the same fields `oclif manifest` writes), so the
 * reference and the surface snapshot need no build.
 */
import type { Manifest } from './render-cli-reference.js';
import { commandFiles, loadCommand } from './run-command.js';

type FlagLike = Record<string, unknown> & { type: 'boolean' | 'option'; hidden?: boolean };
type ArgLike = { description?: string; required?: boolean; hidden?: boolean };

/** Reads every command class and returns their manifest entries, keyed by id. */
export async function sourceManifest(): Promise<Manifest> {
  const commands: Manifest['commands'] = {};
  for (const id of commandFiles().keys()) {
    const command = (await loadCommand(id)) as unknown as {
      summary?: string;
      description?: string;
      examples?: Manifest['commands'][string]['examples'];
      strict?: boolean;
      enableJsonFlag?: boolean;
      baseFlags?: Record<string, FlagLike>;
      flags?: Record<string, FlagLike>;
      args?: Record<string, ArgLike>;
    };
    const flags: Record<string, FlagLike> = {
      ...(command.enableJsonFlag
        ? { json: { type: 'boolean', summary: 'Format output as json.', helpGroup: 'GLOBAL' } }
        : {}),
      ...command.baseFlags,
      ...command.flags,
    };
    commands[id] = {
      id,
      ...(command.summary ? { summary: command.summary } : {}),
      ...(command.description ? { description: command.description } : {}),
      ...(command.examples ? { examples: command.examples } : {}),
      ...(command.strict === false ? { strict: false } : {}),
      args: Object.fromEntries(
        Object.entries(command.args ?? {})
          .filter(([, a]) => !a.hidden)
          .map(([name, a]) => [name, { name, description: a.description, required: a.required }]),
      ),
      flags: Object.fromEntries(
        Object.entries(flags)
          .filter(([, f]) => !f.hidden)
          .map(([name, f]) => [
            name,
            {
              name,
              type: f.type,
              ...pick(f, [
                'char',
                'summary',
                'description',
                'env',
                'required',
                'multiple',
                'options',
                'helpGroup',
              ]),
              ...(typeof f.default === 'function' || f.default === undefined ? {} : { default: f.default }),
            } as Manifest['commands'][string]['flags'][string],
          ]),
      ),
    };
  }
  return { commands };
}

const pick = (flag: FlagLike, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => flag[k] !== undefined).map((k) => [k, flag[k]]));
