import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Indexer, startIndexer } from '@nosana/indexer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../test/run-command.js';
import { type ExplorerResult, openerOf } from './explorer.js';

// Real indexers (their HTTP side): no chain behind them, so they stay unsynced, which the command reports.
const web = mkdtempSync(join(tmpdir(), 'nosana-explorer-cli-'));
let withApp: Indexer;
let withoutApp: Indexer;
const nowhere = { rpcUrl: 'http://127.0.0.1:9', wsUrl: 'ws://127.0.0.1:9', dbPath: ':memory:', listen: 0 };

beforeAll(async () => {
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>Nosana explorer</title>');
  withApp = await startIndexer({ ...nowhere, webRoot: web });
  withoutApp = await startIndexer({ ...nowhere, webRoot: null });
});
afterAll(async () => {
  await withApp.close();
  await withoutApp.close();
  rmSync(web, { recursive: true, force: true });
});

describe('nosana explorer', () => {
  it("prints the explorer's URL and the indexer's sync state", async () => {
    const run = await runCommand(['explorer', '--indexer', withApp.url, '--json']);
    expect(run.code).toBe(0);
    expect(run.json<{ status: string; result: ExplorerResult }>()).toMatchObject({
      status: 'ok',
      result: { url: `${withApp.url}/`, synced: false, opened: false },
    });
    const text = await runCommand(['explorer', '--indexer', withApp.url]);
    expect(text.stdout).toContain(`${withApp.url}/`);
    expect(text.stdout).toContain('catching up');
  });

  it('says so when the indexer serves no web app, or nothing answers (network errors, exit 3)', async () => {
    const bare = await runCommand(['explorer', '--indexer', withoutApp.url, '--json']);
    expect(bare.code).toBe(3);
    expect(bare.json()).toMatchObject({ status: 'error', error: { code: 'INDEXER__API_FAILED' } });
    expect(bare.stderr + bare.stdout).toContain('serves no explorer');
    const down = await runCommand(['explorer', '--indexer', 'http://127.0.0.1:9', '--json']);
    expect(down.code).toBe(3);
    expect(down.json()).toMatchObject({ status: 'error', error: { code: 'INDEXER__API_FAILED' } });
  });

  it('opens URLs with the platform opener', () => {
    expect(openerOf('linux').command).toBe('xdg-open');
    expect(openerOf('darwin').command).toBe('open');
    expect(openerOf('win32')).toEqual({ command: 'cmd', args: ['/c', 'start', '""'] });
  });
});
