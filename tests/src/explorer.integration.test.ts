/**
 * The explorer in a real browser (Debian's Chromium through playwright-core) against a live localnet, a real node
 * running a job in Docker, and an indexer serving the built web app: every page loads, passes axe-core's WCAG A/AA
 * checks, and follows the chain live — a job moves QUEUED → RUNNING → COMPLETED on its page without a reload, its
 * logs streaming live from its node while it runs.
 * Screenshots of each page go to tests/.screenshots/ (the main ones are committed under docs/img/).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobDefinition } from '@nosana/core';
import { defaultWebRoot, type Indexer, startIndexer } from '@nosana/indexer';
import { collectHostSpecs, systemProbe } from '@nosana/node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser } from './helpers/browser.js';
import { type Network, startNetwork } from './helpers/network.js';

const NOS = 1_000_000n;
const shots = join(dirname(fileURLToPath(import.meta.url)), '..', '.screenshots');
const definition: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [
    {
      type: 'container/run',
      id: 'hello',
      args: {
        image: 'busybox:1.35',
        cmd: ['sh', '-c', 'echo hello from the explorer test; sleep 8; echo done'],
      },
    },
  ],
};

let network: Network;
let indexer: Indexer;
let browser: Browser;
let page: Page;
/** Node address → its API URL (the nodes' APIs listen on free ports). */
const nodeApis = new Map<string, string>();
const dir = mkdtempSync(join(tmpdir(), 'nosana-explorer-test-'));

beforeAll(async () => {
  expect(
    defaultWebRoot(),
    'the explorer is built (pnpm exec turbo run build --filter @nosana/explorer)',
  ).toBeTruthy();
  mkdirSync(shots, { recursive: true });
  network = await startNetwork();
  indexer = await startIndexer({
    rpcUrl: network.localnet.rpcUrl,
    wsUrl: network.localnet.wsUrl,
    ipfsUrl: network.localnet.ipfsApiUrl,
    dbPath: join(dir, 'indexer.db'),
    listen: 0,
    nodeApi: (node) => nodeApis.get(node),
  });
  await indexer.ready;
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await indexer?.close();
  await network?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Saves a full-page screenshot and checks the page with axe-core. */
async function capture(name: string) {
  await page.screenshot({ path: join(shots, `explorer-${name}.png`), fullPage: true });
  expect(await axeViolations(page), `axe-core violations on the ${name} page`).toEqual([]);
}

describe('explorer (Chromium, localnet, Docker node)', () => {
  it('follows a job from QUEUED to COMPLETED without a reload, streams its logs live, and links to its node', async () => {
    const poster = network.actor(100n * NOS);
    // No node waits in the market yet: the job queues.
    const posted = await poster.jobs.post({ definition, market: 'cpu', timeout: 600 });
    const job = posted.job.toBase58();

    await page.goto(`${indexer.url}/job/${job}`);
    const status = page.locator('[aria-live] [data-status]');
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 30_000 }).toBe('QUEUED');
    // Record every status the page shows, and mark this document: a reload would lose the mark.
    // (Browser-side code as strings: this package is type-checked without the DOM library.)
    await page.evaluate(`(() => {
      window.seen = [];
      window.sameDocument = true;
      const record = () => {
        const now = document.querySelector('[aria-live] [data-status]')?.getAttribute('data-status');
        if (now && window.seen.at(-1) !== now) window.seen.push(now);
      };
      record();
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);

    // This machine's real specs, published by the node on its API and learned by the indexer.
    const specs = await collectHostSpecs({ probe: systemProbe(), engine: network.engine.engine });
    const { node, api } = await network.node({ specs });
    nodeApis.set(node.address, api.url);
    // While it runs, its logs stream live from the node (relayed by the indexer): no wallet needed for a public job.
    await page.locator('[aria-live] [data-status="RUNNING"]').waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Open logs' }).click();
    await expect
      .poll(() => page.getByTestId('live-logs').textContent(), { timeout: 30_000 })
      .toContain('hello from the explorer test');
    await capture('job-live');
    await page.locator('[aria-live] [data-status="COMPLETED"]').waitFor({ timeout: 120_000 });
    const seen = (await page.evaluate('({ seen: window.seen, sameDocument: window.sameDocument })')) as {
      seen: string[];
      sameDocument: boolean;
    };
    expect(seen.sameDocument).toBe(true);
    expect(seen.seen).toEqual(['QUEUED', 'RUNNING', 'COMPLETED']);

    // Once published, the result's logs replace the live ones.
    await expect
      .poll(() => page.getByTestId('logs').textContent(), { timeout: 30_000 })
      .toContain('hello from the explorer test');
    await page.getByRole('heading', { name: 'Definition' }).waitFor();
    await capture('job');

    await page.locator(`a[href="/node/${node.address}"]`).first().click();
    await page.waitForURL(`**/node/${node.address}`);
    await page.getByRole('heading', { name: /^Node / }).waitFor();
    // Back in the queue after its job, with the job in its history.
    await expect
      .poll(() => page.getByTestId('queue-position').textContent(), { timeout: 30_000 })
      .toMatch(/^1 of 1/);
    await page.locator(`a[href="/job/${job}"]`).first().waitFor();
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    // Its hardware, as the node publishes it on /node/info.
    const hardware = page.getByTestId('specs');
    await hardware.waitFor({ timeout: 30_000 });
    expect(await hardware.textContent()).toContain(cpus()[0]!.model.trim().slice(0, 40));
    expect(await hardware.textContent()).toContain(`${cpus().length} threads`);
    expect(await hardware.textContent()).toMatch(/Memory\s*\d+(\.\d)? GiB/);
    await capture('node');
  });

  it('shows the overview and the market with their figures, and searches by address or CID', async () => {
    await page.goto(indexer.url);
    await page.getByRole('heading', { name: 'Markets' }).waitFor();
    await expect.poll(() => page.locator('table').first().textContent()).toContain('NOS');
    await page.getByRole('heading', { name: 'Latest jobs' }).waitFor();
    await page.locator('[data-status="COMPLETED"]').first().waitFor();
    await expect.poll(() => page.getByTestId('live').textContent()).toBe('live');
    await capture('overview');

    await page.locator('a[href^="/market/"]').first().click();
    await page.getByRole('heading', { name: /^Market / }).waitFor();
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    await page.locator('[data-status="COMPLETED"]').first().waitFor();
    await capture('market');

    // A CID with one hit opens its job; an address nothing matches says so.
    const { items } = (await (await fetch(`${indexer.url}/api/jobs?limit=1`)).json()) as {
      items: Array<{ address: string; definition: string }>;
    };
    await page.getByLabel('Search by address or CID').fill(items[0]!.definition);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(`**/job/${items[0]!.address}`);
    await page.getByLabel('Search by address or CID').fill('9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Nothing indexed matches').waitFor();
    await capture('search');
  });
});
