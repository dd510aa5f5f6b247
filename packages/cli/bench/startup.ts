/**
 * Start-up time of the built `nosana` binary (what a user waits for): `--version`, `--help`, `job validate` of the
 * hello-world example (loads @nosana/core and ajv), and `job get` of a job on a localnet (loads @nosana/chain and
 * web3.js, two RPC round trips). Each command runs `--runs` times in a fresh process after two warm-up runs;
 * p50/p95/min wall time.
 *
 * Run from packages/cli after `pnpm build`: node --import tsx bench/startup.ts [--runs 20]
 * (or `pnpm bench` from the repository root).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startLocalnet } from '@nosana/localnet';
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
  const nosana = async (args: string[]) => {
    try {
      return (await run(process.execPath, [bin, ...args], { encoding: 'utf8', env })).stdout;
    } catch (error) {
      throw new Error(`nosana ${args.join(' ')} failed: ${(error as { stderr?: string }).stderr}`);
    }
  };
  const job = (
    JSON.parse(await nosana(['job', 'post', '-f', example, '--json'])) as { result: { job: string } }
  ).result.job;

  const percentile = (samples: number[], p: number) =>
    [...samples].sort((a, b) => a - b)[
      Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)
    ]!;
  const f = (n: number) => `${n.toFixed(0)} ms`;
  const lines = ['| command | runs | p50 | p95 | min |', '|---|---|---|---|---|'];
  for (const [label, args] of [
    ['nosana --version', ['--version']],
    ['nosana --help', ['--help']],
    ['nosana job validate examples/hello-world.json', ['job', 'validate', example]],
    ['nosana job get <job> (localnet)', ['job', 'get', job]],
  ] as const) {
    const samples: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      const started = performance.now();
      await nosana([...args]);
      if (i >= 2) samples.push(performance.now() - started);
    }
    lines.push(
      `| \`${label}\` | ${runs} | ${f(percentile(samples, 50))} | ${f(percentile(samples, 95))} | ${f(Math.min(...samples))} |`,
    );
  }
  process.stdout.write(
    `${lines.join('\n')}\n\n${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
} finally {
  await localnet.close();
  rmSync(dir, { recursive: true, force: true });
}
