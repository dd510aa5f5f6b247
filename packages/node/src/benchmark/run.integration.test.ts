import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNosanaError } from '@nosana/core';
import { type ContainerEngine, connectEngine, createRuntime, seedBusyboxImage } from '@nosana/runtime';
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectHostSpecs, systemProbe } from '../specs/host-specs.js';
import { zeroDigest } from './definition.js';
import { verifyBenchmark } from './report.js';
import { BENCHMARK_FILE, loadBenchmark, runBenchmark, saveBenchmark } from './run.js';

/* The CPU benchmark for real: the node's runtime on the real Docker engine, a BusyBox image built locally. */
const scope = `it-benchmark-${process.pid}`;
let engine: ContainerEngine;
const dir = mkdtempSync(join(tmpdir(), 'nosana-benchmark-'));

beforeAll(async () => {
  const connected = await connectEngine();
  engine = connected.engine;
  await seedBusyboxImage({ docker: connected.docker });
});

afterAll(async () => {
  if (engine) await createRuntime({ engine, scope }).reap();
  rmSync(dir, { recursive: true, force: true });
});

describe('runBenchmark on Docker', () => {
  it('runs the CPU benchmark, signs the report with the node key, stores it, and reads it back verified', async () => {
    const keypair = Keypair.generate();
    const specs = await collectHostSpecs({ probe: systemProbe(), engine, gpus: 'none', diskPath: dir });
    const runtime = createRuntime({ engine, scope, egress: false });
    const { signed, flow } = await runBenchmark({ runtime, keypair, specs, sizeMiB: 8 });

    expect(flow.status).toBe('success');
    const multi = flow.opStates.find((o) => o.operationId === 'cpu-multi');
    expect(multi?.results?.digest?.every((d) => d === zeroDigest(8))).toBe(true);
    expect(signed.report.cpu.multiCore.workers).toBe(multi?.results?.digest?.length);
    expect(signed.report.cpu.singleCore.mibPerSecond).toBeGreaterThan(0);
    expect(signed.report).toMatchObject({
      node: keypair.publicKey.toBase58(),
      gpu: null,
      host: { engine: expect.stringMatching(/^docker /) },
    });
    expect(signed.signer).toBe(keypair.publicKey.toBase58());
    expect(verifyBenchmark(signed)).toEqual(signed);
    expect(await runtime.listJobs()).toEqual([]);

    const path = await saveBenchmark({ dir, signed });
    expect(path).toBe(join(dir, BENCHMARK_FILE));
    expect(await loadBenchmark({ dir })).toEqual(signed);

    // A report edited on disk no longer verifies.
    const edited = JSON.parse(readFileSync(path, 'utf8'));
    edited.report.cpu.singleCore.mibPerSecond = 1e9;
    writeFileSync(path, JSON.stringify(edited));
    const error = await loadBenchmark({ dir }).catch((e: unknown) => e);
    expect(isNosanaError(error, 'NODE__BENCHMARK_INVALID')).toBe(true);
  });

  it('has no report before the first run', async () => {
    expect(await loadBenchmark({ dir: join(dir, 'empty') })).toBeNull();
  });
});
