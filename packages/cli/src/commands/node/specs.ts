import type { HostSpecs } from '@nosana/node';
import { Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { engineFlags, hostSpecs, specsEntries, stateDirOf } from '../../node-specs.js';
import { details, spin } from '../../output.js';

/** What `nosana node specs --json` returns. */
export type NodeSpecsResult = HostSpecs;

export default class NodeSpecs extends NosanaCommand<NodeSpecsResult> {
  static override summary =
    "show this host's specs: CPU, memory, disk, GPUs, CUDA, container engine, network";
  static override description =
    'GPUs come from nvidia-smi (model, VRAM, driver, compute capability, PCIe link) and the CUDA version from its banner; the engine is the one `node start` would use. The network is measured only against an endpoint you give (--speed-test-url: a GET downloads from it, a POST uploads 10 MB to it); nothing is contacted otherwise. `node start` shows the same specs and the node API publishes them (/node/info).';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json',
    '<%= config.bin %> <%= command.id %> --speed-test-url https://speed.example.org/100mb.bin',
  ];
  static override flags = {
    ...engineFlags,
    gpu: Flags.string({
      summary: 'all, or none to skip GPU detection',
      options: ['all', 'none'],
      default: 'all',
    }),
    'state-dir': Flags.string({ summary: 'whose disk to report (default ~/.nosana/node)' }),
    'speed-test-url': Flags.string({
      summary: 'measure download (GET) and upload (POST) speed against this http(s) endpoint of yours',
      env: 'NOSANA_SPEED_TEST_URL',
    }),
  };

  async run(): Promise<NodeSpecsResult> {
    const { flags } = await this.parse(NodeSpecs);
    const url = flags['speed-test-url'];
    if (url !== undefined && !/^https?:\/\/[^/]/i.test(url)) {
      const { NosanaError } = await import('@nosana/core');
      throw new NosanaError(
        'CLI__INVALID_FLAG',
        `--speed-test-url takes an http(s) URL of an endpoint you run (GET answers a body, POST accepts one) — got "${url}"`,
        { flag: 'speed-test-url', value: url },
      );
    }
    const { specs } = await spin(
      this.jsonEnabled(),
      url ? 'Measuring the host and the network' : 'Measuring the host',
      () =>
        hostSpecs({
          provider: flags.provider,
          engineHost: flags['engine-host'],
          gpus: flags.gpu as 'all' | 'none',
          diskPath: stateDirOf(flags['state-dir']),
          speedTestUrl: url,
        }),
    );
    this.log(details(await specsEntries(specs)));
    return specs;
  }
}
