import type { SignedBenchmark } from '@nosana/node';
import { Flags } from '@oclif/core';
import { NetworkCommand } from '../../network-command.js';
import { engineFlags, hostSpecs, stateDirOf } from '../../node-specs.js';
import { details, spin } from '../../output.js';

/** What `nosana node benchmark --json` returns: the signed report and where it is stored. */
export interface NodeBenchmarkResult extends SignedBenchmark {
  path: string;
}

export default class NodeBenchmark extends NetworkCommand<NodeBenchmarkResult> {
  static override summary =
    'benchmark this host in its own container runtime; the result is signed with the node key';
  static override description =
    `Runs a short, reproducible benchmark job with the runtime a node uses (same isolation and limits): SHA-256 over a fixed amount of zeros on one core, then on every core at once (each worker's digest is checked), and on a host with an NVIDIA GPU FP16 matrix products with PyTorch (image pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime, about 3 GB, pulled once). The report (scores and the hardware they were measured on) is signed with the node key (ed25519) and stored in the state directory (benchmark.json), from where \`node start\` publishes it on /node/info.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --size 64 --gpu none --json',
  ];
  static override flags = {
    ...engineFlags,
    gpu: Flags.string({
      summary: 'all: add the GPU benchmark when a GPU is found; none: CPU only',
      options: ['all', 'none'],
      default: 'all',
    }),
    size: Flags.integer({ summary: 'MiB each CPU worker hashes', default: 128, min: 1, max: 4096 }),
    image: Flags.string({
      summary: 'CPU benchmark image (needs sh, dd, sha256sum, nproc)',
      default: 'busybox:1.35',
    }),
    'state-dir': Flags.string({
      summary: 'where the node keeps its state; the report is written there (default ~/.nosana/node)',
    }),
  };

  async run(): Promise<NodeBenchmarkResult> {
    const { flags } = await this.parse(NodeBenchmark);
    const stateDir = stateDirOf(flags['state-dir']);
    await this.client(flags, { wallet: 'create' });
    const keypair = await this.keypair();
    const { specs, connected } = await hostSpecs({
      provider: flags.provider,
      engineHost: flags['engine-host'],
      gpus: flags.gpu as 'all' | 'none',
      diskPath: stateDir,
    });
    const [{ runBenchmark, saveBenchmark }, { createRuntime, connectEngine }] = await Promise.all([
      import('@nosana/node'),
      import('@nosana/runtime'),
    ]);
    // No engine answered while collecting the specs: connect again for its coded error (exit 3).
    const engine =
      connected?.engine ??
      (
        await connectEngine({
          ...(flags.provider ? { provider: flags.provider as 'docker' | 'podman' } : {}),
          ...(flags['engine-host'] ? { host: flags['engine-host'] } : {}),
        })
      ).engine;
    const runtime = createRuntime({
      engine,
      scope: keypair.publicKey.toBase58(),
      egress: false,
      gpus: specs.gpus.length > 0 ? { all: true } : 'none',
    });
    const gpu = specs.gpus.length > 0;
    const { signed } = await spin(
      this.jsonEnabled(),
      `Benchmarking (CPU${gpu ? ' and GPU' : ''}, ${flags.size} MiB per worker)`,
      () => runBenchmark({ runtime, keypair, specs, sizeMiB: flags.size, image: flags.image, gpu }),
    );
    const path = await saveBenchmark({ dir: stateDir, signed });
    const { cpu, gpu: gpuScore } = signed.report;
    this.log(
      details([
        ['cpu', `${specs.cpu.model} (${specs.cpu.threads} threads)`],
        [
          'single core',
          `${cpu.singleCore.mibPerSecond} MiB/s SHA-256 (${cpu.sizeMiB} MiB in ${cpu.singleCore.seconds}s)`,
        ],
        [
          'all cores',
          `${cpu.multiCore.mibPerSecond} MiB/s SHA-256 (${cpu.multiCore.workers} workers × ${cpu.sizeMiB} MiB in ${cpu.multiCore.seconds}s)`,
        ],
        [
          'gpu',
          gpuScore ? `${gpuScore.tflops} TFLOPS FP16 (${gpuScore.device})` : gpu ? 'did not run' : 'no GPU',
        ],
        ['signed by', signed.signer],
        ['stored in', path],
      ]),
    );
    return { ...signed, path };
  }
}
