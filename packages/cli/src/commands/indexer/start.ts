import { homedir } from 'node:os';
import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { details } from '../../output.js';

/** What `nosana indexer start --json` returns once the first backfill is done. */
export interface IndexerStartResult {
  url: string;
  rpcUrl: string;
  wsUrl: string;
  dbPath: string;
  pid: number;
}

/** The WebSocket URL next to an RPC URL (Solana's convention: the next port, ws scheme). */
export function wsUrlOf(rpcUrl: string): string {
  const url = new URL(rpcUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (url.port) url.port = String(Number(url.port) + 1);
  return url.toString().replace(/\/$/, '');
}

export default class IndexerStart extends NosanaCommand<IndexerStartResult> {
  static override summary = 'follow the Jobs program into SQLite and serve the API and the explorer';
  static override description =
    'Subscribes to the Jobs program over WebSocket, backfills on start and after a gap, and serves a read-only JSON API (OpenAPI at /openapi.json), a change stream (/api/stream) and the explorer web app. Resumes from its database after a restart; rebuilds it when the network was reset. Runs until Ctrl-C.';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --rpc https://api.mainnet-beta.solana.com --db ~/.nosana/mainnet-indexer.db --listen 0.0.0.0:8090',
  ];
  static override flags = {
    rpc: Flags.string({
      summary: 'Solana JSON-RPC URL',
      default: 'http://127.0.0.1:8899',
      env: 'NOSANA_RPC',
    }),
    ws: Flags.string({ summary: 'Solana WebSocket URL (default: the RPC port + 1)' }),
    db: Flags.string({ summary: 'SQLite database file (default ~/.nosana/indexer.db)' }),
    listen: Flags.string({ summary: 'host:port of the API', default: '127.0.0.1:8090' }),
    ipfs: Flags.string({
      summary: "IPFS API URL the explorer reads jobs' definitions, logs and results through",
      env: 'NOSANA_IPFS_API',
    }),
    'node-api': Flags.string({
      summary:
        "where nodes' APIs are, to show their hardware: a URL template ({node} is the node's address) or one URL",
      description:
        'e.g. https://{node}.node.example.com when a gateway exposes each node API under its address, or http://127.0.0.1:5101 for one local node. The indexer asks a node for /node/info when its page is viewed (3 s, 64 KiB at most, cached 5 min). None: no hardware is shown.',
    }),
    programs: Flags.string({
      summary: 'program ids to follow',
      options: ['mainnet', 'devnet'],
      default: 'mainnet',
    }),
  };

  async run(): Promise<IndexerStartResult> {
    const { flags } = await this.parse(IndexerStart);
    const { mkdirSync } = await import('node:fs');
    const dbPath = flags.db ?? join(homedir(), '.nosana', 'indexer.db');
    if (!flags.db) mkdirSync(join(homedir(), '.nosana'), { recursive: true, mode: 0o700 });
    const wsUrl = flags.ws ?? wsUrlOf(flags.rpc);
    const [{ startIndexer }, { PROGRAM_ADDRESSES }] = await Promise.all([
      import('@nosana/indexer'),
      import('@nosana/chain'),
    ]);
    const indexer = await startIndexer({
      rpcUrl: flags.rpc,
      wsUrl,
      dbPath,
      listen: flags.listen,
      ...(flags.ipfs ? { ipfsUrl: flags.ipfs } : {}),
      ...(flags['node-api'] ? { nodeApi: await nodeApiTemplate(flags['node-api']) } : {}),
      programs: { jobs: PROGRAM_ADDRESSES[flags.programs as 'mainnet' | 'devnet'].jobs },
      log: (message) => this.logToStderr(message),
    });
    const stop = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    const ready = await Promise.race([indexer.ready.then(() => true), stop.then(() => false)]);
    const result: IndexerStartResult = {
      url: indexer.url,
      rpcUrl: flags.rpc,
      wsUrl,
      dbPath,
      pid: process.pid,
    };
    if (ready) {
      this.log(
        details([
          ['API', `${indexer.url}/api`],
          ['explorer', indexer.url],
          ['RPC', flags.rpc],
          ['database', dbPath],
        ]),
      );
      this.printEnvelopeNow(result);
      this.log('Indexing. Press Ctrl-C to stop.');
      await stop;
    }
    await indexer.close();
    return result;
  }
}

/** A `--node-api` value: an http(s) URL, `{node}` allowed in it (bad input: `CLI__INVALID_FLAG`). */
async function nodeApiTemplate(value: string): Promise<string> {
  let url: URL | undefined;
  try {
    url = new URL(value.replaceAll('{node}', 'node'));
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    const { NosanaError } = await import('@nosana/core');
    throw new NosanaError(
      'CLI__INVALID_FLAG',
      `--node-api "${value}" is not an http(s) URL — e.g. https://{node}.node.example.com or http://127.0.0.1:5101`,
      { flag: 'node-api', value },
    );
  }
  return value;
}
