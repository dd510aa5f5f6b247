import {
  extractResults,
  type FlowState,
  isNosanaError,
  type OpState,
  parseJobDefinition,
} from '@nosana/core';
import { Keypair } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import type { HostSpecs } from '../specs/host-specs.js';
import { benchmarkDefinition, zeroDigest } from './definition.js';
import { scoreBenchmark, signBenchmark, verifyBenchmark } from './report.js';

const specs: HostSpecs = {
  collectedAt: '2026-12-03T21:00:00.000Z',
  os: { platform: 'linux', release: '6.8.0', arch: 'x64' },
  cpu: { model: 'Test CPU', threads: 4 },
  memory: { totalBytes: 8 * 1024 ** 3 },
  disk: null,
  gpus: [],
  gpuNote: 'nvidia-smi not found',
  cudaVersion: null,
  engine: { kind: 'docker', version: '27.5.1', apiVersion: '1.47' },
  engineNote: null,
  network: null,
};

const op = (
  id: string,
  lines: string[],
  startTime: number,
  endTime: number,
  status: OpState['status'] = 'success',
): OpState => ({
  providerId: 'c',
  operationId: id,
  group: id,
  status,
  startTime,
  endTime,
  exitCode: status === 'success' ? 0 : 1,
  logs: lines.map((log) => ({ type: 'stdout' as const, log, timestamp: startTime })),
  results: {
    digest: lines.filter((l) => /^[0-9a-f]{64}/.test(l)).map((l) => l.slice(0, 64)),
    ...(id === 'cpu-multi'
      ? { workers: lines.filter((l) => l.startsWith('workers=')).map((l) => l.slice(8)) }
      : {}),
  },
});

const d4 = zeroDigest(4);
const flow = (multi: string[], status: FlowState['status'] = 'success'): FlowState => ({
  status,
  startTime: 0,
  endTime: 10_000,
  opStates: [op('cpu-single', [`${d4}  -`], 1000, 3000), op('cpu-multi', multi, 3000, 5000)],
});
const node = Keypair.generate();
const score = (f: FlowState) =>
  scoreBenchmark({
    flow: f,
    node: node.publicKey.toBase58(),
    specs,
    sizeMiB: 4,
    image: 'busybox:1.35',
    now: new Date(0),
  });

describe('the benchmark definition', () => {
  it('is a valid job definition, with the GPU op only when asked', () => {
    for (const gpu of [false, true]) {
      const parsed = parseJobDefinition({
        text: JSON.stringify(benchmarkDefinition({ gpu })),
        source: 'benchmark',
      });
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      expect(parsed.definition.ops.map((o) => o.id)).toEqual(
        gpu ? ['cpu-single', 'cpu-multi', 'gpu'] : ['cpu-single', 'cpu-multi'],
      );
    }
  });

  it('knows the digest the workers must print', () => {
    expect(zeroDigest(1)).toBe('30e14955ebf1352266dc2ff8067e68104607e750abb9d3b36582b8af909fcb58');
  });
});

describe('scoreBenchmark', () => {
  it('scores each op from its container times: MiB hashed per second, on one core and on all', () => {
    const report = score(flow([`${d4}  -`, `${d4}  -`, 'workers=2']));
    expect(report.cpu).toEqual({
      image: 'busybox:1.35',
      sizeMiB: 4,
      singleCore: { seconds: 2, mibPerSecond: 2 },
      multiCore: { workers: 2, seconds: 2, mibPerSecond: 4 },
    });
    expect(report).toMatchObject({
      version: 1,
      node: node.publicKey.toBase58(),
      gpu: null,
      host: { engine: 'docker 27.5.1' },
    });
  });

  it('scores the GPU op from what its script prints, read with the definition’s own result patterns', () => {
    // No GPU here: the lines are those the op's PyTorch script prints on an H100 (tflops, then the device name).
    const gpuOp = benchmarkDefinition({ gpu: true, gpuImage: 'gpu-bench:1' }).ops.find(
      (o) => o.id === 'gpu',
    )!;
    const lines = ['tflops=612.3', 'gpu=NVIDIA H100 80GB HBM3'];
    const logs = lines.map((log) => ({ type: 'stdout' as const, log, timestamp: 5000 }));
    const gpuState: OpState = {
      ...op('gpu', lines, 5000, 9000),
      results: extractResults(gpuOp.results as Record<string, string>, logs),
    };
    const base = flow([`${d4}  -`, `${d4}  -`, 'workers=2']);
    const report = scoreBenchmark({
      flow: { ...base, opStates: [...base.opStates, gpuState] },
      node: node.publicKey.toBase58(),
      specs,
      sizeMiB: 4,
      image: 'busybox:1.35',
      gpuImage: 'gpu-bench:1',
      now: new Date(0),
    });
    expect(report.gpu).toEqual({ image: 'gpu-bench:1', device: 'NVIDIA H100 80GB HBM3', tflops: 612.3 });
    // A GPU op that failed (no driver, no runtime) leaves the CPU scores and reports no GPU figure.
    const failed = scoreBenchmark({
      flow: { ...base, opStates: [...base.opStates, { ...gpuState, status: 'failed' }] },
      node: node.publicKey.toBase58(),
      specs,
      sizeMiB: 4,
      image: 'busybox:1.35',
      now: new Date(0),
    });
    expect(failed.gpu).toBeNull();
    expect(failed.cpu.multiCore.workers).toBe(2);
  });

  it('refuses a wrong digest, a missing worker, a failed op (NODE__BENCHMARK_FAILED)', () => {
    for (const bad of [
      flow([`${'0'.repeat(64)}  -`, `${d4}  -`, 'workers=2']),
      flow([`${d4}  -`, 'workers=2']),
      { ...flow([]), opStates: [op('cpu-single', [], 0, 1, 'failed')] },
    ]) {
      const error = (() => {
        try {
          score(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(isNosanaError(error, 'NODE__BENCHMARK_FAILED')).toBe(true);
    }
  });
});

describe('signed reports', () => {
  const signed = signBenchmark(score(flow([`${d4}  -`, 'workers=1'])), node);

  it('verify against the node key they name', () => {
    expect(verifyBenchmark(JSON.parse(JSON.stringify(signed)))).toEqual(signed);
  });

  it('are refused when tampered with, signed by another key, or malformed (NODE__BENCHMARK_INVALID)', () => {
    const tampered = structuredClone(signed);
    tampered.report.cpu.singleCore.mibPerSecond *= 10;
    const other = Keypair.generate();
    const foreign = {
      ...signBenchmark({ ...signed.report, node: other.publicKey.toBase58() }, other),
      signer: node.publicKey.toBase58(),
    };
    const impostor = signBenchmark(signed.report, other);
    for (const [value, reason] of [
      [tampered, 'the signature does not match'],
      [foreign, 'not by its node'],
      [impostor, 'not by its node'],
      [{ report: null }, 'no report'],
    ] as const) {
      let error: unknown;
      try {
        verifyBenchmark(value, 'benchmark.json');
      } catch (e) {
        error = e;
      }
      expect(isNosanaError(error, 'NODE__BENCHMARK_INVALID')).toBe(true);
      expect((error as Error).message).toContain(reason);
    }
  });
});
