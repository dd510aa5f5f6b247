import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import {
  defaultLocalnetDir,
  findLocalnet,
  processAlive,
  unpublishLocalnet,
} from '../../localnet-discovery.js';

/** What `nosana localnet stop --json` returns. */
export interface LocalnetStopResult {
  /** The process stopped, or null when none was running. */
  pid: number | null;
  dataDir: string;
}

export default class LocalnetStop extends NosanaCommand<LocalnetStopResult> {
  static override summary = 'stop a localnet started with --detach (its state is saved)';
  static override description =
    'Without --data-dir it stops the localnet started last (`~/.nosana/current-localnet.json`), else the one in ~/.nosana/localnet.';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --data-dir /tmp/my-localnet',
  ];
  static override flags = {
    'data-dir': Flags.string({
      summary: 'state directory of the localnet (default: the one started last, else ~/.nosana/localnet)',
    }),
  };

  async run(): Promise<LocalnetStopResult> {
    const { flags } = await this.parse(LocalnetStop);
    const dataDir = resolve(flags['data-dir'] ?? findLocalnet()?.dataDir ?? defaultLocalnetDir());
    const pidFile = join(dataDir, 'localnet.pid');
    const pid = existsSync(pidFile) ? Number.parseInt(readFileSync(pidFile, 'utf8'), 10) : Number.NaN;
    if (!(pid > 0) || !processAlive(pid)) {
      this.log(`No localnet is running on ${dataDir}.`);
      return { pid: null, dataDir };
    }
    process.kill(pid, 'SIGTERM');
    // It saves its state and releases the directory; give it 15 s before killing it.
    const deadline = Date.now() + 15_000;
    while (processAlive(pid) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    if (processAlive(pid)) {
      process.kill(pid, 'SIGKILL');
      this.warnUser(
        `the localnet (pid ${pid}) did not stop within 15 s and was killed; unsaved state since its last autosave is lost`,
      );
    }
    // It removes its published URLs when it stops; a killed one cannot.
    unpublishLocalnet(dataDir, pid);
    this.log(`Stopped the localnet (pid ${pid}).`);
    return { pid, dataDir };
  }
}
