/**
 * Honest service billing across a node crash (localnet, a node in its own process, the real Docker engine): a
 * service that came online, then died while its node was down, is metered again from the moment the restarted node
 * publishes it — it never passes a check again, so the job ends after the grace period (failed,
 * NODE__SERVICE_UNHEALTHY, paid for the time served) instead of being billed until its timeout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobDefinition } from '@nosana/core';
import type { NodeEvent } from '@nosana/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followNode, type Network, startNetwork } from './helpers/network.js';

const NOS = 1_000_000n;

/** A web service whose health check fails for good once `/cgi-bin/die` is called (the container keeps running). */
const dying: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [
    {
      type: 'container/run',
      id: 'web',
      args: {
        image: 'busybox:1.35',
        cmd: [
          'sh',
          '-c',
          [
            'mkdir -p /www/cgi-bin && echo ok > /www/health',
            `printf '#!/bin/sh\\nrm -f /www/health\\nprintf "Content-Type: text/plain\\\\r\\\\n\\\\r\\\\ndead\\\\n"\\n' > /www/cgi-bin/die`,
            'chmod +x /www/cgi-bin/die',
            'exec httpd -f -p 8080 -h /www',
          ].join(' && '),
        ],
        expose: [
          {
            port: 8080,
            health_checks: [
              { type: 'http', path: '/health', method: 'GET', expected_status: 200, continuous: true },
            ],
          },
        ],
      },
    },
  ],
};

let network: Network;
beforeAll(async () => {
  network = await startNetwork();
}, 120_000);
afterAll(async () => {
  await network?.close();
});

describe('service health metering across a node restart', () => {
  it('ends a service found dead after kill -9 and a restart, instead of billing it until its timeout (regression)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nosana-service-restart-'));
    const launcher = network.nodeProcess(dir, { serviceHealth: { graceMs: 2000, intervalMs: 500 } });
    try {
      const first = followNode(launcher.spawn());
      await first.next((e) => e.type === 'state' && e.state === 'queued');
      const poster = network.actor(100n * NOS);
      const posted = await poster.jobs.post({ definition: dying, market: 'cpu', timeout: 3600 });
      const job = posted.job.toBase58();
      // Online, and remembered as such in the node's state.
      await first.next((e) => e.type === 'service-online' && e.job === job);
      const online = first.events.find(
        (e): e is Extract<NodeEvent, { type: 'runtime' }> =>
          e.type === 'runtime' && e.event.type === 'endpoint' && e.event.status === 'ONLINE',
      );
      const url = (online?.event as { url: string } | undefined)?.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      first.child.kill('SIGKILL');
      await first.exited();

      // The service dies while its node is down; the container keeps running.
      const killed = await fetch(`${url}/cgi-bin/die`);
      expect(await killed.text()).toBe('dead\n');
      expect((await fetch(`${url}/health`)).status).toBe(404);

      const second = followNode(launcher.spawn());
      await second.next((e) => e.type === 'job-recovered' && e.job === job);
      const verdict = await second.next((e) => e.type === 'service-unhealthy' && e.job === job);
      expect(verdict).toMatchObject({ op: 'web', port: 8080 });
      const done = await poster.jobs.waitFor(posted.job, (j) => j.result !== null, { pollMs: 500 });
      expect(done.state).toBe('COMPLETED');
      // Paid for the time served, not the hour it was posted for.
      expect(done.timeEnd - done.timeStart).toBeLessThan(3600);
      const result = await poster.jobs.result(posted.job);
      expect(result?.status).toBe('failed');
      expect(result?.errors?.map((e) => e.code)).toContain('NODE__SERVICE_UNHEALTHY');

      await second.next(
        (e) =>
          e.type === 'state' && e.state === 'queued' && second.events.some((x) => x.type === 'job-finished'),
      );
      second.child.kill('SIGTERM');
      await second.exited();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
