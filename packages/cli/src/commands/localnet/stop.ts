import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { defaultLocalnetDir } from './status.js';

/** What `nosana localnet stop --json` returns. */
export interface LocalnetStopResult {
  /** The process stopped, or null when none was running. */
  pid: number | null;
  dataDir: string;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export default class LocalnetStop extends NosanaCommand<LocalnetStopResult> {
  static override summary = 'stop a localnet started with --detach (its state is saved)';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --data-dir /tmp/my-localnet',
  ];
  static override flags = {
    'data-dir': Flags.string({ summary: 'state directory (default ~/.nosana/localnet)' }),
  };

  async run(): Promise<LocalnetStopResult> {
    const { flags } = await this.parse(LocalnetStop);
    const dataDir = flags['data-dir'] ?? defaultLocalnetDir();
    const pidFile = join(dataDir, 'localnet.pid');
    const pid = existsSync(pidFile) ? Number.parseInt(readFileSync(pidFile, 'utf8'), 10) : Number.NaN;
    if (!(pid > 0) || !alive(pid)) {
      this.log(`No localnet is running on ${dataDir}.`);
      return { pid: null, dataDir };
    }
    process.kill(pid, 'SIGTERM');
    // It saves its state and releases the directory; give it 15 s before killing it.
    const deadline = Date.now() + 15_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (alive(pid)) {
      process.kill(pid, 'SIGKILL');
      this.warnUser(
        `the localnet (pid ${pid}) did not stop within 15 s and was killed; unsaved state since its last autosave is lost`,
      );
    }
    this.log(`Stopped the localnet (pid ${pid}).`);
    return { pid, dataDir };
  }
}
