import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../test/run-command.js';
import { sourceManifest } from '../test/source-manifest.js';
import { completionScript } from './completion.js';

const dir = mkdtempSync(join(tmpdir(), 'nosana-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nosana completion', () => {
  it('bash: completes topics, commands and flags in a real bash', async () => {
    // The built binary reads the command list from oclif's manifest; here it is built from the sources.
    const manifest = await sourceManifest();
    const commands = Object.values(manifest.commands).map((c) => ({
      id: c.id,
      flags: Object.entries(c.flags).map(([name, f]) => ({ name, char: (f as { char?: string }).char })),
    }));
    const script = join(dir, 'nosana.bash');
    writeFileSync(script, completionScript({ shell: 'bash', bin: 'nosana', commands }));
    const printed = await runCommand(['completion', 'bash']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('complete -o default -F _nosana_completion nosana');
    /** What bash offers for a command line whose last word is being typed. */
    const complete = (line: string) => {
      const words = line.split(' ');
      const program = `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _nosana_completion; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const result = spawnSync('bash', ['-c', program], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      return result.stdout.trim().split('\n').filter(Boolean).sort();
    };
    expect(complete('nosana jo')).toEqual(['job']);
    expect(complete('nosana job l')).toEqual(['list', 'logs']);
    expect(complete('nosana node s')).toEqual(['specs', 'start', 'status']);
    expect(complete('nosana job post --dr')).toEqual(['--dry-run']);
    expect(complete('nosana job post -f job.json --nos')).toEqual(['--nos-usd']);
    expect(complete('nosana job get 7AtiXMSH6R1jjBxrcYjehCkkSF7zvYWte63gwEDBcGHq --wa')).toEqual([
      '--wait',
      '--wallet',
    ]);
    expect(complete('nosana completion ')).toEqual(['--json']);
  });

  it('zsh: the same completion through bashcompinit; an unknown shell is exit 1', async () => {
    const zsh = await runCommand(['completion', 'zsh', '--json']);
    expect(zsh.code).toBe(0);
    const { script } = zsh.json<{ result: { script: string } }>().result;
    expect(script.startsWith('autoload -U +X bashcompinit && bashcompinit\n')).toBe(true);
    expect(script).toContain('complete -o default -F _nosana_completion nosana');
    const syntax = spawnSync('bash', ['-n'], {
      input: script.split('\n').slice(1).join('\n'),
      encoding: 'utf8',
    });
    expect(syntax.status, syntax.stderr).toBe(0);
    const fish = await runCommand(['completion', 'fish']);
    expect(fish.code).toBe(1);
  });
});
