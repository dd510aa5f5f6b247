import { Flags } from '@oclif/core';
import { DeploymentCommand, type DeploymentJson } from '../../deployment-command.js';
import { parseTimeout } from '../../input.js';
import { spin } from '../../output.js';

/** What `nosana deployment create --json` returns. */
export type DeploymentCreateResult = DeploymentJson;

export default class DeploymentCreate extends DeploymentCommand<DeploymentCreateResult> {
  static override summary = 'keep a service running: N replicas of a job definition, within a NOS budget';
  static override description = `Strategies (as the Nosana deployment manager's):
  simple         N replicas once; a replica a node quits or that stays unhealthy is replaced
  simple-extend  N replicas, each extended by --timeout before it expires
  scheduled      N replicas at every --schedule firing (cron, UTC)
  infinite       N replicas forever: a replacement is listed --rotation before a job expires

Everything is checked before anything is sent (definition, market, schedule, replicas, budget ≥ one deposit). The manager never lists nor extends past --budget. Without --manager the reconciler runs in this process while the command runs: use --wait to stay until the replicas run, then \`nosana deployment serve\` to keep them alive.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %> -f examples/web-service.json --replicas 2 --strategy simple-extend --timeout 60m --budget 50 --wait',
    '<%= config.bin %> <%= command.id %> -f job.json --strategy scheduled --schedule "*/10 * * * *" --timeout 5m --budget 10',
    '<%= config.bin %> <%= command.id %> -f job.json --strategy infinite --timeout 2h --rotation 20m --budget 100 --market gpu',
  ];
  static override flags = {
    file: Flags.string({ char: 'f', summary: 'job definition (JSON or YAML)', required: true }),
    name: Flags.string({ summary: 'a name to recognize it by' }),
    replicas: Flags.integer({ char: 'r', summary: 'replicas to keep', default: 1 }),
    strategy: Flags.string({
      char: 's',
      summary: 'how replicas are kept',
      options: ['simple', 'simple-extend', 'scheduled', 'infinite'],
      default: 'simple-extend',
    }),
    schedule: Flags.string({ summary: 'scheduled: cron expression, UTC (e.g. "*/10 * * * *")' }),
    timeout: Flags.string({
      char: 't',
      summary: 'how long each job is listed for (and each extension adds); a bare number is minutes',
      default: '60m',
    }),
    rotation: Flags.string({
      summary: 'infinite: list the replacement this long before a job expires',
      default: '20m',
    }),
    budget: Flags.string({ char: 'b', summary: 'hard cap in NOS the deployment may spend', required: true }),
    market: Flags.string({ char: 'm', summary: 'market (address, or name on localnet)', default: 'cpu' }),
    wait: Flags.boolean({ summary: 'run the reconciler until every replica runs' }),
    'wait-timeout': Flags.string({ summary: 'give up waiting after this long', default: '10m' }),
  };

  async run(): Promise<DeploymentCreateResult> {
    const { flags } = await this.parse(DeploymentCreate);
    const core = await import('@nosana/core');
    const definition = await this.readDefinition(flags.file);
    const timeout = await parseTimeout(flags.timeout);
    const strategy = flags.strategy.toUpperCase();
    const body = {
      definition,
      market: flags.market,
      replicas: flags.replicas,
      strategy,
      timeout,
      budget: core.parseNos(flags.budget).toString(),
      ...(flags.name ? { name: flags.name } : {}),
      ...(flags.schedule ? { schedule: flags.schedule } : {}),
      ...(strategy === 'INFINITE' ? { rotation: core.parseDuration(flags.rotation) } : {}),
    };
    // Settings that need no network are checked before connecting.
    const { checkDeploymentSettings } = await import('@nosana/deployments');
    checkDeploymentSettings({ ...body, budget: BigInt(body.budget) } as Parameters<
      typeof checkDeploymentSettings
    >[0]);
    const backend = await this.backend(flags);
    const created = await spin(this.jsonEnabled(), 'Creating the deployment', () => backend.create(body));
    this.log(
      `Deployment ${created.id} created: ${created.strategy}, ${created.replicas} replica(s), budget ${flags.budget} NOS.`,
    );
    if (backend.local) {
      const local = backend.local;
      if (flags.wait) {
        await spin(this.jsonEnabled(), `Waiting for ${created.replicas} replica(s) to run`, () =>
          this.reconcileUntil(
            local,
            async () =>
              local.store.jobs(created.id).filter((j) => j.state === 'RUNNING').length >= created.replicas,
            {
              timeoutMs: core.parseDuration(flags['wait-timeout']) * 1000,
              what: `${created.replicas} running replica(s)`,
            },
          ),
        );
        this.log(`${created.replicas} replica(s) running.`);
      } else {
        await local.manager.tick();
      }
      this.log('Keep them alive with `nosana deployment serve` (it resumes from the same database).');
    }
    return (backend.local ? (await backend.get(created.id)).deployment : created) as DeploymentJson;
  }
}
