import { Args } from '@oclif/core';
import { DeploymentCommand, type DeploymentJson } from '../../deployment-command.js';
import { details, formatSeconds, state, table } from '../../output.js';

/** What `nosana deployment get --json` returns. */
export interface DeploymentGetResult {
  deployment: DeploymentJson;
  /** The stable URL over the healthy replicas (with --gateway and a definition that exposes a port), else null. */
  url: string | null;
  jobs: Array<{
    address: string;
    revision: number;
    state: string;
    /** `starting`, `online`, `offline` (from the gateway), or `unknown` without a health source. */
    health: string;
    healthSince: number | null;
    healthReason: string | null;
    /** Service ids of the replica's public ports (its own URLs: `<id>.<gateway domain>`). */
    services: string[];
    timeStart: number;
    timeout: number;
    stoppedBy: string | null;
  }>;
  /** NOS base units committed so far. */
  spent: string;
  forecast: { perHour: string; remaining: string; secondsLeft: number | null };
  next: { at: number; action: string } | null;
  notes: string[];
}

export default class DeploymentGet extends DeploymentCommand<DeploymentGetResult> {
  static override summary =
    'show a deployment: replicas, their jobs and health, spend vs budget, what happens next';
  static override examples = ['<%= config.bin %> <%= command.id %> <deployment-id>'];
  static override args = { id: Args.string({ description: 'deployment id', required: true }) };

  async run(): Promise<DeploymentGetResult> {
    const { args, flags } = await this.parse(DeploymentGet);
    const { formatNos } = await import('@nosana/core');
    const view = (await (await this.backend(flags)).get(args.id)) as unknown as DeploymentGetResult;
    const d = view.deployment;
    const open = view.jobs.filter(
      (j) => j.state === 'RUNNING' || j.state === 'QUEUED' || j.state === 'PENDING',
    );
    this.log(
      details([
        ['id', d.id],
        ['name', d.name],
        ['status', state(d.status)],
        ['url', view.url ?? 'none (no --gateway, or the definition exposes no port)'],
        ['strategy', `${d.strategy}${d.schedule ? ` (${d.schedule} UTC)` : ''}`],
        ['replicas', `${open.filter((j) => j.state === 'RUNNING').length} running / ${d.replicas} wanted`],
        ['revision', String(d.activeRevision)],
        ['market', d.market],
        ['spent', `${formatNos(BigInt(view.spent))} of ${formatNos(BigInt(d.budget))} NOS`],
        [
          'forecast',
          `${formatNos(BigInt(view.forecast.perHour))} NOS/h at ${d.replicas} replica(s)${view.forecast.secondsLeft === null ? '' : `, budget lasts ${formatSeconds(view.forecast.secondsLeft)}`}`,
        ],
        [
          'next',
          view.next ? `${view.next.action} at ${new Date(view.next.at).toISOString()}` : 'nothing scheduled',
        ],
        ...view.notes.map((note): [string, string] => ['note', note]),
      ]),
    );
    if (view.jobs.length > 0) {
      this.log('');
      this.log(
        table([...view.jobs].reverse().slice(0, 20), [
          { header: 'JOB', get: (j) => j.address },
          { header: 'REV', get: (j) => String(j.revision), align: 'right' },
          { header: 'STATE', get: (j) => state(j.state) },
          {
            header: 'HEALTH',
            get: (j) =>
              j.healthReason && j.health !== 'online' ? `${j.health} (${j.healthReason})` : j.health,
          },
          { header: 'STOPPED BY', get: (j) => j.stoppedBy ?? '' },
        ]),
      );
    }
    return view;
  }
}
