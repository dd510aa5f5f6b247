/**
 * An indexer in its own process, for tests that kill it: `node --import tsx indexer-process.ts '<json config>'`.
 * Prints `{"url": …}` on stdout once its first backfill is done; stops gracefully on SIGTERM.
 */
import { startIndexer } from '../src/indexer.js';

const config = JSON.parse(process.argv[2] ?? '{}') as { rpcUrl: string; wsUrl: string; dbPath: string };
const indexer = await startIndexer({
  ...config,
  listen: 0,
  webRoot: null,
  log: (m) => process.stderr.write(`${m}\n`),
});
await indexer.ready;
process.stdout.write(`${JSON.stringify({ url: indexer.url })}\n`);
process.on('SIGTERM', () => {
  void indexer.close().then(() => process.exit(0));
});
