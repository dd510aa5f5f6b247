/**
 * Explorer figures: the built bundle's size (raw and gzip) and the first load of the overview in Debian's Chromium
 * (playwright-core) against an in-process localnet with an indexer serving the app — from navigation start to the
 * markets table rendered with data from the API. Each cold load uses a fresh browser context (empty cache); the
 * warm load reuses it. Baselines in the same run: the same browser loading a bare JSON page (its own floor), and
 * the overview's main API call (`/api/markets`) alone, from Node.
 *
 * "Chart drawn" waits for the throughput chart's canvas too (uPlot loads in its own chunk after the first paint).
 * With `--compare <dir>` a second indexer on the same localnet serves another build of the app (e.g. an earlier
 * commit's `dist/web`), measured in the same run, alternating with this one.
 *
 * Run from the repository root: pnpm bench explorer, or
 *   node --conditions=@nosana/source --import tsx tests/bench/explorer.ts [--runs 20] [--jobs 200] [--compare <dir>]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { defaultWebRoot, startIndexer } from '@nosana/indexer';
import { startLocalnet } from '@nosana/localnet';
import { createLocalnetActors } from '@nosana/localnet/testing';
import { launchBrowser } from '../src/helpers/browser.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    jobs: { type: 'string', default: '20' },
    compare: { type: 'string' },
  },
});
const runs = Number(values.runs);
const jobs = Number(values.jobs);
const out = (line = '') => process.stdout.write(`${line}\n`);
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const ms = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 1 : 0 });
const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

const root = defaultWebRoot();
if (!root) throw new Error('the explorer is not built: pnpm exec turbo run build --filter @nosana/explorer');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)],
  );
const sizesOf = (webRoot: string) =>
  files(webRoot).map((f) => {
    const bytes = readFileSync(f);
    return {
      file: f.slice(webRoot.length + 1),
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
    };
  });
const sizes = sizesOf(root);

const loadBefore = loadavg()[0]!;
const dir = mkdtempSync(join(tmpdir(), 'nosana-explorer-bench-'));
const localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
const actors = createLocalnetActors(localnet);
const indexer = await startIndexer({
  rpcUrl: localnet.rpcUrl,
  wsUrl: localnet.wsUrl,
  ipfsUrl: localnet.ipfsApiUrl,
  dbPath: join(dir, 'indexer.db'),
  listen: 0,
});
const other = values.compare
  ? await startIndexer({
      rpcUrl: localnet.rpcUrl,
      wsUrl: localnet.wsUrl,
      ipfsUrl: localnet.ipfsApiUrl,
      dbPath: join(dir, 'compare.db'),
      listen: 0,
      webRoot: values.compare,
    })
  : undefined;
const browser = await launchBrowser();
try {
  await indexer.ready;
  const poster = actors.actor(1_000_000_000n);
  process.stderr.write(`posting ${jobs} jobs…\n`);
  for (let i = 0; i < jobs; i++) {
    await poster.jobs.post({
      definition: {
        version: '0.1',
        type: 'container',
        ops: [{ type: 'container/run', id: `j${i}`, args: { image: 'busybox:1.35' } }],
      },
      market: 'cpu',
      timeout: 600,
    });
  }

  await other?.ready;
  type Samples = { cold: number[]; chart: number[]; warm: number[] };
  const samples = (): Samples => ({ cold: [], chart: [], warm: [] });
  const builds: Array<{ url: string; samples: Samples }> = [
    { url: indexer.url, samples: samples() },
    ...(other ? [{ url: other.url, samples: samples() }] : []),
  ];
  for (let i = 0; i < runs + 1; i++) {
    for (const build of builds) {
      const context = await browser.newContext();
      const page = await context.newPage();
      for (const sample of [build.samples.cold, build.samples.warm]) {
        const start = performance.now();
        await page.goto(build.url);
        await page.locator('table a[href^="/market/"]').first().waitFor();
        await page.locator('[data-status]').first().waitFor();
        const rendered = performance.now() - start;
        await page.locator('.chart canvas').first().waitFor();
        // The first run warms the server and the browser process; it is not counted.
        if (i > 0) {
          sample.push(rendered);
          if (sample === build.samples.cold) build.samples.chart.push(performance.now() - start);
        }
      }
      await context.close();
    }
  }
  const { cold, chart, warm } = builds[0]!.samples;
  // Floor in the same browser: a cold context loading a bare JSON document from the same server.
  const bare: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const start = performance.now();
    await page.goto(`${indexer.url}/health`);
    if (i > 0) bare.push(performance.now() - start);
    await context.close();
  }
  const api: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const start = performance.now();
    await (await fetch(`${indexer.url}/api/markets`)).json();
    if (i > 0) api.push(performance.now() - start);
  }

  const total = sizes.reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), { raw: 0, gzip: 0 });
  out(
    `explorer on ${cpus().length} cores, load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
  );
  out();
  out('| file | raw | gzip -9 |');
  out('|---|---|---|');
  for (const s of sizes) out(`| ${s.file} | ${kb(s.raw)} | ${kb(s.gzip)} |`);
  out(`| **total** | ${kb(total.raw)} | **${kb(total.gzip)}** |`);
  out();
  out('| what | n | p50 ms | p95 ms |');
  out('|---|---|---|---|');
  out(
    `| overview, cold (new context): navigation → markets and jobs rendered | ${runs} | **${ms(quantile(cold, 0.5))}** | ${ms(quantile(cold, 0.95))} |`,
  );
  out(
    `| overview, cold: navigation → throughput chart drawn too | ${runs} | ${ms(quantile(chart, 0.5))} | ${ms(quantile(chart, 0.95))} |`,
  );
  out(
    `| overview, warm (cached assets) | ${runs} | ${ms(quantile(warm, 0.5))} | ${ms(quantile(warm, 0.95))} |`,
  );
  if (builds[1] && values.compare) {
    const then = builds[1].samples;
    const compared = sizesOf(values.compare).reduce((a, s) => a + s.gzip, 0);
    out(
      `| compared build (${values.compare}, ${kb(compared)} gzip), cold: markets and jobs rendered | ${runs} | ${ms(quantile(then.cold, 0.5))} | ${ms(quantile(then.cold, 0.95))} |`,
    );
    out(
      `| compared build, cold: chart drawn too | ${runs} | ${ms(quantile(then.chart, 0.5))} | ${ms(quantile(then.chart, 0.95))} |`,
    );
    out(
      `| compared build, warm | ${runs} | ${ms(quantile(then.warm, 0.5))} | ${ms(quantile(then.warm, 0.95))} |`,
    );
  }
  out(
    `| baseline: the same browser, cold context, loading \`/health\` (a bare JSON page) | ${runs} | ${ms(quantile(bare, 0.5))} | ${ms(quantile(bare, 0.95))} |`,
  );
  out(
    `| baseline: \`GET /api/markets\` from Node | ${runs} | ${ms(quantile(api, 0.5))} | ${ms(quantile(api, 0.95))} |`,
  );
} finally {
  await browser.close();
  await other?.close();
  await indexer.close();
  actors.close();
  await localnet.close();
  rmSync(dir, { recursive: true, force: true });
}
