import { Flags } from '@oclif/core';
import { NosanaCommand } from '../base-command.js';
import { requiredIndexer } from '../indexer-discovery.js';
import { networkFlags } from '../network.js';
import { details } from '../output.js';

/** What `nosana explorer --json` returns. */
export interface ExplorerResult {
  /** The explorer's URL (the indexer serves it at its root). */
  url: string;
  /** Whether the indexer finished its first backfill. */
  synced: boolean;
  /** The last slot it indexed. */
  slot: number;
  /** Whether a browser was asked to open it (`--open`). */
  opened: boolean;
}

/** The command that opens a URL in the desktop's browser, per platform. */
export function openerOf(platform: NodeJS.Platform): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  return { command: 'xdg-open', args: [] };
}

export default class Explorer extends NosanaCommand<ExplorerResult> {
  static override summary = "print (or open) the explorer web app's URL";
  static override description =
    'The explorer (markets, jobs, nodes, live over the change stream) is served by the indexer at its root: `nosana indexer start` or `nosana localnet start` runs one. This checks that it answers and serves the web app, then prints its URL; --open opens it in the default browser.';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --open',
    '<%= config.bin %> <%= command.id %> --indexer http://127.0.0.1:8090 --json',
  ];
  static override flags = {
    indexer: Flags.string({
      summary:
        "indexer URL (the explorer is at its root; default: the localnet's, else http://127.0.0.1:8090)",
      env: 'NOSANA_INDEXER_URL',
    }),
    network: networkFlags.network,
    rpc: networkFlags.rpc,
    open: Flags.boolean({ summary: 'open it in the default browser' }),
  };

  async run(): Promise<ExplorerResult> {
    const { flags } = await this.parse(Explorer);
    const [{ createIndexerClient }, { NosanaError }] = await Promise.all([
      import('@nosana/indexer'),
      import('@nosana/core'),
    ]);
    const client = createIndexerClient({ url: await requiredIndexer(flags), timeoutMs: 5000 });
    const health = await client.health();
    const page = await fetch(`${client.url}/`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
    if (!page?.ok || !page.headers.get('content-type')?.includes('text/html')) {
      throw new NosanaError(
        'INDEXER__API_FAILED',
        `the indexer at ${client.url} serves no explorer (answered ${page?.status ?? 'nothing'} for /): it was started without the web app — build it with \`pnpm build\`, or install @nosana/explorer next to @nosana/indexer`,
        { url: client.url, ...(page ? { status: page.status } : {}) },
      );
    }
    const url = `${client.url}/`;
    let opened = false;
    if (flags.open) {
      const { spawn } = await import('node:child_process');
      const { command, args } = openerOf(process.platform);
      opened = await new Promise<boolean>((resolve) => {
        const child = spawn(command, [...args, url], { stdio: 'ignore', detached: true });
        child.once('error', () => resolve(false));
        child.once('spawn', () => {
          child.unref();
          resolve(true);
        });
      });
      if (!opened) this.warnUser(`could not start ${command} to open a browser; open ${url} yourself`);
    }
    this.log(
      details([
        ['explorer', url],
        ['indexer', health.synced ? `synced, slot ${health.slot}` : 'catching up (first backfill running)'],
      ]),
    );
    return { url, synced: health.synced, slot: health.slot, opened };
  }
}
