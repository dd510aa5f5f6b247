import { Args } from '@oclif/core';
import { NosanaCommand } from '../base-command.js';
import { completionScript } from '../completion.js';

/** What `nosana completion --json` returns. */
export interface CompletionResult {
  shell: 'bash' | 'zsh';
  script: string;
}

export default class Completion extends NosanaCommand<CompletionResult> {
  static override summary = 'print the shell completion script (bash or zsh)';
  static override description = `Completes commands, topics and flags. Install it once:

  bash: nosana completion bash > ~/.local/share/bash-completion/completions/nosana   (or add eval "$(nosana completion bash)" to ~/.bashrc)
  zsh:  add eval "$(nosana completion zsh)" to ~/.zshrc`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> bash > ~/.local/share/bash-completion/completions/nosana',
    'eval "$(<%= config.bin %> <%= command.id %> zsh)"',
  ];
  static override args = {
    shell: Args.string({ description: 'the shell', options: ['bash', 'zsh'], required: true }),
  };

  async run(): Promise<CompletionResult> {
    const { args } = await this.parse(Completion);
    const shell = args.shell as 'bash' | 'zsh';
    const script = completionScript({
      shell,
      bin: this.config.bin,
      commands: this.config.commands
        .filter((c) => !c.hidden)
        .map((c) => ({
          id: c.id,
          flags: Object.entries(c.flags ?? {})
            .filter(([, flag]) => !flag.hidden)
            .map(([name, flag]) => ({ name, char: flag.char })),
        })),
    });
    this.log(script.trimEnd());
    return { shell, script };
  }
}
