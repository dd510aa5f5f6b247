/**
 * Deployments end to end: the localnet, a real gateway, three nodes running jobs in the real Docker engine, and the
 * deployment manager following the gateway's events. Two replicas of examples/web-service.json answer behind the
 * deployment's one URL; a killed replica is replaced while the URL keeps answering; an update rolls with no failed
 * request in a 1 request/s probe.
 */
import type { GatewayEvent } from '@nosana/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeploymentRig, startDeploymentRig, webService, webServiceSaying } from './deployment-rig.js';

const NOS = 1_000_000n;
const HELLO = 'Hello from a Nosana service\n';

let rig: DeploymentRig;
beforeAll(async () => {
  rig = await startDeploymentRig({ nodes: 3 });
}, 180_000);
afterAll(async () => {
  await rig?.close();
});

/** The jobs whose endpoint in the deployment `id` is online now, from the gateway's events. */
function onlineJobs(events: GatewayEvent[], id: string): Set<string> {
  const latest = new Map<string, GatewayEvent['type']>();
  for (const e of events) if (e.deploymentId === id) latest.set(e.job, e.type);
  return new Set([...latest].filter(([, type]) => type === 'online').map(([job]) => job));
}

/** GETs the deployment URL once a second (the load a user puts on it) until stopped. */
function probe(id: string) {
  type Answer = { at: number; status: number; body: string };
  const answers: Answer[] = [];
  const waiting: Array<(answer: Answer) => void> = [];
  const record = (answer: Answer) => {
    answers.push(answer);
    for (const resolve of waiting.splice(0)) resolve(answer);
  };
  const timer = setInterval(() => {
    const at = Date.now();
    rig.get(id).then(
      ({ status, body }) => record({ at, status, body }),
      (error: Error) => record({ at, status: 0, body: error.message }),
    );
  }, 1000);
  return {
    answers,
    /** The next answer to come. */
    next: () => new Promise<Answer>((resolve) => waiting.push(resolve)),
    stop: () => clearInterval(timer),
  };
}

describe('a deployment behind the gateway (localnet + Docker + gateway)', () => {
  let deployment: string;
  let id: string;

  it('serves 2 replicas behind one URL; a killed replica is replaced and the URL keeps answering', async () => {
    const d = await rig.manager.create({
      definition: webService,
      market: 'cpu',
      replicas: 2,
      strategy: 'SIMPLE-EXTEND',
      timeout: 900,
      budget: 1000n * NOS,
    });
    deployment = d.id;
    id = rig.stableId(d.id);
    await rig.waitForEvent(() => onlineJobs(rig.events, id).size === 2);
    const [victim, survivor] = [...onlineJobs(rig.events, id)];
    expect(await rig.get(id)).toEqual({ status: 200, body: HELLO });

    // `deployment get`: the stable URL, both replicas online as the manager learnt over SSE, and the status its next
    // reconcile pass derives from them (health can arrive between passes, so both are awaited together).
    await expect
      .poll(
        async () => {
          const { jobs, deployment: d } = await rig.manager.view(deployment);
          return { online: jobs.filter((j) => j.health === 'online').length, status: d.status };
        },
        { timeout: 30_000 },
      )
      .toEqual({ online: 2, status: 'RUNNING' });
    const view = await rig.manager.view(deployment);
    expect(view.url).toBe(`http://${id}.localhost:${rig.gateway.port}`);

    const load = probe(id);
    await rig.killReplica(victim!);
    const gone = await rig.waitForEvent(
      (e) => e.job === victim && (e.type === 'unregistered' || e.type === 'offline'),
    );
    await rig.waitForEvent(() => {
      const online = onlineJobs(rig.events, id);
      return online.size === 2 && !online.has(victim!) && online.has(survivor!);
    });
    load.stop();
    const replacement = [...onlineJobs(rig.events, id)].find((job) => job !== survivor)!;
    expect(rig.store.job(replacement)).toMatchObject({ deployment, revision: 1 });
    expect(rig.store.job(victim!)?.stoppedBy).toBeNull();

    // Once the dead replica was out of rotation, every request was answered by a live one.
    const after = load.answers.filter((a) => a.at > gone.at);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((a) => a.status !== 200)).toEqual([]);
    expect(await rig.get(id)).toEqual({ status: 200, body: HELLO });
  }, 240_000);

  it('rolls an update out with no failed request in a 1 request/s probe', async () => {
    const before = onlineJobs(rig.events, id);
    expect(before.size).toBe(2);
    const load = probe(id);
    // The probe spans the whole roll-out: its first answer comes from revision 1, before the update starts.
    expect(await load.next()).toMatchObject({ status: 200, body: HELLO });
    await rig.manager.update(deployment, webServiceSaying('Hello from revision 2'));
    await rig.waitForEvent(() => {
      const online = [...onlineJobs(rig.events, id)];
      return online.length === 2 && online.every((job) => rig.store.job(job)?.revision === 2);
    });
    // Both old replicas left the rotation before (or as) the last new one came online.
    for (const job of before) await rig.waitForEvent((e) => e.job === job && e.type === 'unregistered');
    // One more answer after the roll-out, so the probe saw the final state.
    await load.next();
    load.stop();
    expect(load.answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(load.answers.at(-1)?.body).toBe('Hello from revision 2\n');
    const jobs = rig.store.jobs(deployment);
    expect(jobs.filter((j) => j.revision === 1 && j.stoppedBy === 'outdated')).toHaveLength(2);

    rig.manager.stop(deployment);
    await expect.poll(() => rig.store.deployment(deployment).status, { timeout: 60_000 }).toBe('STOPPED');
  }, 300_000);
});
