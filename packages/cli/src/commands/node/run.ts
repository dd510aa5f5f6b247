import { readFile } from 'node:fs/promises';
import type { FlowState } from '@nosana/core';
import { Args, Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { describeResult } from '../../jobs.js';

/** What `nosana node run --json` returns: the flow state, as a node would post it. */
export type NodeRunResult = FlowState;

export default class NodeRun extends NosanaCommand<NodeRunResult> {
  static override summary =
    'run a job definition on this machine, without any network (to test a job or a host)';
  static override description =
    'Runs the definition with the same runtime a node uses (same isolation, limits, health checks and result format) and prints the logs and the result. Ctrl-C stops it. Exits 2 when the flow did not succeed.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> examples/hello-world.json',
    '<%= config.bin %> <%= command.id %> examples/multi-op-volume.json --json',
  ];
  static override args = {
    file: Args.string({
      ignoreStdin: true,
      description: 'job definition (JSON or YAML), or - for standard input',
      required: true,
    }),
  };
  static override flags = {
    provider: Flags.string({
      summary: 'container engine (default: whichever answers, Docker first)',
      options: ['docker', 'podman'],
    }),
    timeout: Flags.string({
      char: 't',
      summary: 'stop the flow after this long: 90, 10m, 1h',
      default: '1h',
    }),
    gpu: Flags.string({ summary: 'GPUs the job may use: all, none, or indexes like 0,1', default: 'all' }),
  };

  async run(): Promise<NodeRunResult> {
    const { args, flags } = await this.parse(NodeRun);
    const core = await import('@nosana/core');
    const source = args.file === '-' ? '<stdin>' : args.file;
    const text = args.file === '-' ? await readStdin() : await readFile(args.file, 'utf8');
    const parsed = core.parseJobDefinition({ text, source });
    for (const warning of parsed.warnings) this.warnUser(`${source}: ${core.formatIssue(warning)}`);
    if (!parsed.ok) throw core.invalidJobDefinitionError(parsed.errors, source);
    const timeout = core.parseDuration(flags.timeout);
    const { parseGpuFlag } = await import('./start.js');
    const gpus = parseGpuFlag(flags.gpu, core.NosanaError);

    const { connectEngine, createRuntime } = await import('@nosana/runtime');
    const { engine } = await connectEngine(
      flags.provider ? { provider: flags.provider as 'docker' | 'podman' } : {},
    );
    const runtime = createRuntime({ engine, scope: 'node-run', gpus: gpus === 'all' ? { all: true } : gpus });
    const jobId = `local-${Date.now().toString(36)}`;
    const controller = new AbortController();
    const stop = () => controller.abort('stopped');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const flow = await runtime.runFlow({
        jobId,
        definition: parsed.definition,
        globals: { job: jobId, host: 'localhost', project: 'localhost', frps_address: '' },
        signal: controller.signal,
        deadline: Date.now() + timeout * 1000,
        onEvent: (event) => {
          if (event.type === 'log')
            this.log(
              parsed.definition.ops.length > 1 ? `[${event.opId}] ${event.entry.log}` : event.entry.log,
            );
          if (event.type === 'endpoint')
            this.log(`service ${event.opId}:${event.port} ${event.url} (${event.status})`);
        },
      });
      this.log(describeResult(flow));
      if (flow.status !== 'success') {
        throw new core.NosanaError('CLI__JOB_FAILED', `the flow ended with status ${flow.status}`, {
          job: jobId,
          status: flow.status,
        });
      }
      return flow;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await runtime.reap(jobId).catch(() => undefined);
    }
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
