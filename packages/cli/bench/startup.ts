/**
 * Start-up time of the built `nosana` binary (what a user waits for): `--version`, `--help`, `job validate` of the
 * hello-world example (the fast path: @nosana/core bundled, no oclif), `market list` / `market get` on a localnet
 * and `job get` of a queued and of a completed job (the fast path: @nosana/chain/lite, RPC and IPFS round trips; and
 * `market list` and `job get` through oclif for comparison). The round trips of `market list` and of `job get` are
 * also timed from the bench process, so that the start-up cost over them can be read. Each command runs `--runs` times in a fresh process after two
 * warm-up runs; p50/p95/min wall time, and the p50 as a ratio of `node -e 0` (a bare Node start) measured in the
 * same run, interleaved with the commands so both see the same load.
 *
 * Run from packages/cli after `pnpm build`: node --import tsx bench/startup.ts [--runs 20]
 * (or `pnpm bench` from the repository root).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import {
  getJobLite,
  listMarketsLite,
  liteMarketNames,
  localnetInfoLite,
  readJsonLite,
} from '@nosana/chain/lite';
import type { FlowState } from '@nosana/core';
import { startLocalnet } from '@nosana/localnet';
import { createLocalnetActors } from '@nosana/localnet/testing';
import { Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
const bin = join(import.meta.dirname, '..', 'bin', 'run.js');
const example = join(import.meta.dirname, '..', '..', '..', 'examples', 'hello-world.json');

const localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
const dir = mkdtempSync(join(tmpdir(), 'nosana-bench-cli-'));
try {
  const key = Keypair.generate();
  writeFileSync(join(dir, 'wallet.json'), JSON.stringify(Array.from(key.secretKey)), { mode: 0o600 });
  localnet.bank.airdrop(key.publicKey.toBase58(), BigInt(LAMPORTS_PER_SOL));
  localnet.airdropNos(key.publicKey.toBase58(), 10_000_000n);
  const env = {
    ...process.env,
    NO_COLOR: '1',
    NOSANA_RPC: localnet.rpcUrl,
    NOSANA_IPFS_API: localnet.ipfsApiUrl,
    NOSANA_WALLET: join(dir, 'wallet.json'),
  };
  // Asynchronous on purpose: the localnet serves from this process's event loop, which a spawnSync would block.
  const run = promisify(execFile);
  const nosana = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    try {
      return (await run(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...env, ...extra } }))
        .stdout;
    } catch (error) {
      throw new Error(`nosana ${args.join(' ')} failed: ${(error as { stderr?: string }).stderr}`);
    }
  };
  const post = async () =>
    (
      JSON.parse(await nosana(['job', 'post', '-f', example, '--json'])) as {
        result: { job: string; market: string };
      }
    ).result;
  // A completed job with a result (a host of the localnet's actors takes it and finishes it), then a queued one.
  const actors = createLocalnetActors(localnet);
  const completed = await post();
  const host = actors.actor();
  await host.host.prepare();
  const { run: claimed } = await host.host.work(completed.market);
  const flow: FlowState = { status: 'success', startTime: 1, endTime: 2, opStates: [] };
  await host.host.finish({
    run: claimed!,
    result: await host.ipfs.putBytes(new TextEncoder().encode(JSON.stringify(flow))),
  });
  actors.close();
  const job = (await post()).job;

  const percentile = (samples: number[], p: number) =>
    [...samples].sort((a, b) => a - b)[
      Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)
    ]!;
  const f = (n: number) => `${n.toFixed(0)} ms`;
  const time = async (command: () => Promise<unknown>) => {
    const started = performance.now();
    await command();
    return performance.now() - started;
  };
  const bare = () => run(process.execPath, ['-e', '0']);
  // The market reads' RPC round trips, made from this process (warm): what `market list` must send at least.
  const rpc = { rpcUrl: localnet.rpcUrl };
  const marketListTrips = async () => {
    const names = await liteMarketNames({ ...rpc, network: 'localnet' });
    await listMarketsLite({ ...rpc, programs: 'mainnet', names });
  };
  // And `job get`'s of a queued job: the job and its run, its definition, the localnet's services.
  const jobGetTrips = async () => {
    const read = await getJobLite({ ...rpc, programs: 'mainnet', network: 'localnet', job });
    await readJsonLite({ source: { kuboApi: localnet.ipfsApiUrl }, cid: read.definition });
    await localnetInfoLite(rpc);
  };
  const commands = [
    ['nosana --version', ['--version']],
    ['nosana --help', ['--help']],
    ['nosana job validate examples/hello-world.json', ['job', 'validate', example]],
    ['nosana job get <queued job> (localnet)', ['job', 'get', job]],
    ['nosana job get <completed job> (localnet)', ['job', 'get', completed.job]],
    [
      'nosana job get <queued job> (localnet), NOSANA_CLI_FAST_PATH=0',
      ['job', 'get', job],
      { NOSANA_CLI_FAST_PATH: '0' },
    ],
    ['nosana market list (localnet)', ['market', 'list']],
    ['nosana market get cpu (localnet)', ['market', 'get', 'cpu']],
    [
      'nosana market list (localnet), NOSANA_CLI_FAST_PATH=0',
      ['market', 'list'],
      { NOSANA_CLI_FAST_PATH: '0' },
    ],
  ] as const;
  const baseline: number[] = [];
  const trips: number[] = [];
  const jobTrips: number[] = [];
  const samples = commands.map(() => [] as number[]);
  for (let i = 0; i < runs + 2; i++) {
    const b = await time(bare);
    if (i >= 2) baseline.push(b);
    const r = await time(marketListTrips);
    if (i >= 2) trips.push(r);
    const j = await time(jobGetTrips);
    if (i >= 2) jobTrips.push(j);
    for (const [c, [, args, extra]] of commands.entries()) {
      const t = await time(() => nosana([...args], extra));
      if (i >= 2) samples[c]!.push(t);
    }
  }
  const base = percentile(baseline, 50);
  const lines = ['| command | runs | p50 | p95 | min | p50 ÷ `node -e 0` |', '|---|---|---|---|---|---|'];
  const row = (label: string, s: number[]) =>
    `| \`${label}\` | ${runs} | ${f(percentile(s, 50))} | ${f(percentile(s, 95))} | ${f(Math.min(...s))} | ×${(percentile(s, 50) / base).toFixed(2)} |`;
  lines.push(row('node -e 0 (baseline)', baseline));
  for (const [c, [label]] of commands.entries()) lines.push(row(label, samples[c]!));
  lines.push(
    row('market list round trips (localnet_info + getProgramAccounts, from the bench process)', trips),
  );
  lines.push(
    row(
      'job get <queued job> round trips (getAccountInfo + getProgramAccounts, cat, localnet_info)',
      jobTrips,
    ),
  );
  const over = (label: string, roundTrips: number[]) =>
    (percentile(samples[commands.findIndex(([l]) => l === label)]!, 50) - percentile(roundTrips, 50)) / base;
  process.stdout.write(
    `${lines.join('\n')}\n\nLess their round trips, as ratios of \`node -e 0\`: \`market list\` ×${over('nosana market list (localnet)', trips).toFixed(2)}, \`job get <queued job>\` ×${over('nosana job get <queued job> (localnet)', jobTrips).toFixed(2)}\n\n${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
} finally {
  await localnet.close();
  rmSync(dir, { recursive: true, force: true });
}
