import type { DeploymentEvent } from '@nosana/deployments';
import { Args, Flags } from '@oclif/core';
import { DeploymentCommand } from '../../deployment-command.js';

/** What `nosana deployment events --json` returns (without --follow). */
export type DeploymentEventsResult = DeploymentEvent[];

export default class DeploymentEvents extends DeploymentCommand<DeploymentEventsResult> {
  static override summary =
    'what the manager did and saw for a deployment: listings, extensions, stops, states';
  static override description =
    'With --follow (and no --manager) the reconciler runs in this process, so the events are its own.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> <deployment-id>',
    '<%= config.bin %> <%= command.id %> <deployment-id> --follow',
  ];
  static override args = { id: Args.string({ description: 'deployment id', required: true }) };
  static override flags = {
    follow: Flags.boolean({ char: 'f', summary: 'keep printing new events until Ctrl-C' }),
    after: Flags.integer({ summary: 'only events after this event id', default: 0, min: 0 }),
  };

  async run(): Promise<DeploymentEventsResult> {
    const { args, flags } = await this.parse(DeploymentEvents);
    const backend = await this.backend(flags);
    const seen: DeploymentEvent[] = [];
    let after = flags.after;
    const print = async () => {
      for (const event of await backend.events(args.id, after)) {
        after = event.id;
        seen.push(event);
        if (this.jsonEnabled() && flags.follow) this.logJson(event);
        else this.log(`${new Date(event.at).toISOString()}  ${event.type.padEnd(10)}  ${event.message}`);
      }
    };
    await print();
    if (!flags.follow) return seen;
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      while (!stop.signal.aborted) {
        if (backend.local) await backend.local.manager.tick();
        await print();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2000);
          stop.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              resolve();
            },
            { once: true },
          );
        });
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return seen;
  }
}
