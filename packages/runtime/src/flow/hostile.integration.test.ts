import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerRunOperation } from '@nosana/core';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { job } from '../../test/engine-conformance.js';
import { connectEngine } from '../engine/discover.js';
import type { ContainerEngine } from '../engine/types.js';
import { seedBusyboxImage } from '../images/seed-busybox.js';
import { DEFAULT_LOG_CAPS } from './log-caps.js';
import { createRuntime, LABELS, type RuntimeEvent } from './runtime.js';

/*
 * Jobs that attack the host, on the real Docker engine: each must end cleanly, within its limits, and leave
 * nothing behind.
 */
const scope = `it-hostile-${process.pid}`;
let engine: ContainerEngine;
let docker: Docker;
const servers: Server[] = [];

const listen = async (host: string) => {
  const server = createServer((_request, response) => response.end('host secret'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  servers.push(server);
  return (server.address() as AddressInfo).port;
};
/** Resolves with the first event that matches. */
const nextEvent = (predicate: (event: RuntimeEvent) => boolean) => {
  let resolve!: (event: RuntimeEvent) => void;
  const promise = new Promise<RuntimeEvent>((r) => {
    resolve = r;
  });
  return { promise, onEvent: (event: RuntimeEvent) => predicate(event) && resolve(event) };
};
const leftovers = async () => ({
  containers: (await engine.listContainers({ [LABELS.scope]: scope })).length,
  volumes: (await engine.listVolumes({ [LABELS.scope]: scope })).length,
  networks: (await engine.listNetworks({ [LABELS.scope]: scope })).length,
});
const busybox = (
  id: string,
  script: string,
  extra: Partial<ContainerRunOperation> = {},
): ContainerRunOperation => ({
  type: 'container/run',
  id,
  args: { image: 'busybox:1.35', cmd: ['sh', '-c', script] },
  ...extra,
});

beforeAll(async () => {
  ({ engine, docker } = await connectEngine());
  await seedBusyboxImage({ docker });
});

afterAll(async () => {
  for (const server of servers) server.close();
  if (engine) await createRuntime({ engine, scope }).reap();
});

describe('hostile jobs on the real Docker engine', () => {
  it('a fork bomb hits its pids limit and fails cleanly, the host can still start processes, nothing is left', async () => {
    const pids = 64;
    const runtime = createRuntime({ engine, scope, limits: { pids }, stopGraceSeconds: 1 });
    let inspected: Promise<{ HostConfig: { PidsLimit?: number | null } }> | undefined;
    const state = await runtime.runFlow({
      jobId: 'fork-bomb',
      definition: job([busybox('bomb', 'bomb() { while true; do bomb & done; }; bomb')]),
      deadline: Date.now() + 60_000,
      onEvent: (event) => {
        if (event.type === 'op-status' && event.status === 'running')
          inspected = engine
            .listContainers({ [LABELS.scope]: scope, [LABELS.job]: 'fork-bomb' })
            .then(([c]) => docker.getContainer(c!.id).inspect());
      },
    });
    expect((await inspected)?.HostConfig.PidsLimit).toBe(pids);
    // The shell's own fork fails once the cgroup is full (EAGAIN), so the job ends by itself, failed.
    expect(state.opStates[0]).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(
      state.opStates[0]!.logs.some((l) => /can't fork: Resource temporarily unavailable/.test(l.log)),
    ).toBe(true);
    expect(spawnSync('true').status).toBe(0);
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('a memory hog is killed at its memory limit and the op fails saying it ran out of memory', async () => {
    const memoryBytes = 32 * 1024 * 1024;
    const state = await createRuntime({ engine, scope, limits: { memoryBytes } }).runFlow({
      jobId: 'memory-hog',
      definition: job([busybox('hog', 'x=aaaaaaaaaaaaaaaa; while true; do x="$x$x"; done')]),
    });
    expect(state.status).toBe('failed');
    expect(state.opStates[0]).toMatchObject({
      status: 'failed',
      exitCode: 137,
      error: {
        event: 'oom',
        message: expect.stringContaining(`ran out of memory (limit ${memoryBytes} bytes)`),
      },
      diagnostics: { state: { OOMKilled: true } },
    });
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('a container that ignores SIGTERM is killed when the grace period after a stop (reason expired) runs out', async () => {
    const runtime = createRuntime({ engine, scope, stopGraceSeconds: 1 });
    const ready = nextEvent((e) => e.type === 'log' && e.entry.log === 'ignoring TERM');
    const controller = new AbortController();
    const flow = runtime.runFlow({
      jobId: 'ignores-term',
      definition: job([
        busybox('stubborn', 'trap "" TERM; echo ignoring TERM; while true; do sleep 1; done'),
      ]),
      signal: controller.signal,
      onEvent: ready.onEvent,
    });
    await ready.promise;
    controller.abort('expired');
    const state = await flow;
    expect(state.opStates[0]).toMatchObject({
      status: 'stopped',
      // 128 + SIGKILL: SIGTERM was ignored, the engine killed it when the grace ran out.
      exitCode: 137,
      diagnostics: { reason: { jobExpired: true } },
    });
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('oversized logs (100 lines of 1 MiB on two ops) are capped per line and per op; the result stays under its limit and says what was dropped', async () => {
    const script =
      'i=0; while [ $i -lt 100 ]; do head -c 1048576 /dev/zero | tr "\\0" a; echo; i=$((i+1)); done; echo result=done';
    const definition = job([
      busybox('a', script, { results: { r: 'result=done' }, execution: { group: 'g' } }),
      busybox('b', script, { execution: { group: 'g' } }),
    ]);
    const state = await createRuntime({ engine, scope }).runFlow({ jobId: 'big-logs', definition });
    expect(state.status).toBe('success');
    const bytes = Buffer.byteLength(JSON.stringify(state));
    expect(bytes).toBeLessThan(DEFAULT_LOG_CAPS.maxResultBytes);
    for (const op of state.opStates) {
      expect(op.logsTruncated).toBe(true);
      const kept = op.logs.filter((l) => l.type === 'stdout');
      expect(kept.length).toBeGreaterThan(0);
      for (const line of kept)
        expect(Buffer.byteLength(line.log)).toBeLessThanOrEqual(DEFAULT_LOG_CAPS.maxLineBytes);
      // Lines past the count cap are reported when the reader saw them; when Docker's own log rotation (10 MiB × 2)
      // dropped them before they were read, only the cut lines and the bytes are (both are the marker's forms).
      expect(op.logs.at(-1)).toMatchObject({
        type: 'nodeerr',
        log: expect.stringMatching(
          /^(Found too many logs: \d+ line\(s\) \([\d.]+ MiB\) dropped after the first \d+ line\(s\).*; |Logs truncated: )\d+ kept line\(s\) cut to the line cap, [\d.]+ MiB more dropped$/,
        ),
      });
    }
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('a flood of 1,000,000 lines is kept on disk up to the caps while the op runs; the result stays under its limit, keeps the first lines exactly and ends with the truncation marker; no file is left', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'it-hostile-logs-'));
    try {
      const definition = job([busybox('flood', 'seq 1 1000000')]);
      const files: string[] = [];
      const state = await createRuntime({ engine, scope, logDir }).runFlow({
        jobId: 'flood',
        definition,
        onEvent: (event) => {
          if (event.type === 'log' && event.entry.log === '1') files.push(...readdirSync(logDir));
        },
      });
      expect(state.status).toBe('success');
      expect(files).toEqual([expect.stringMatching(/-flood$/)]);
      const op = state.opStates[0]!;
      expect(Buffer.byteLength(JSON.stringify(state))).toBeLessThanOrEqual(DEFAULT_LOG_CAPS.maxResultBytes);
      expect(op.logsTruncated).toBe(true);
      const kept = op.logs.filter((l) => l.type === 'stdout').map((l) => l.log);
      expect(kept).toHaveLength(DEFAULT_LOG_CAPS.maxLines);
      expect(kept.slice(0, 3)).toEqual(['1', '2', '3']);
      expect(kept.at(-1)).toBe(String(DEFAULT_LOG_CAPS.maxLines));
      // The count is of the lines the engine delivered: Docker's log rotation (10 MiB × 2 per container) may discard
      // part of a flood before it is read, so it is not asserted exactly.
      expect(op.logs.at(-1)).toMatchObject({
        type: 'nodeerr',
        log: expect.stringMatching(
          new RegExp(
            `^Found too many logs: \\d+ line\\(s\\) .* dropped after the first ${DEFAULT_LOG_CAPS.maxLines} line\\(s\\)`,
          ),
        ),
      });
      expect(readdirSync(logDir)).toEqual([]);
      expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });

  it("cannot reach the host's services (on 127.0.0.1 and on the bridge gateway) nor another job's container", async () => {
    const bridge = (await docker.getNetwork('bridge').inspect()) as {
      IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> };
    };
    const subnet = bridge.IPAM?.Config?.[0]?.Subnet ?? '172.17.0.0/16';
    const gateway = bridge.IPAM?.Config?.[0]?.Gateway ?? subnet.replace(/\.0\/\d+$/, '.1');
    const loopbackPort = await listen('127.0.0.1');
    const gatewayPort = await listen(gateway);
    const runtime = createRuntime({ engine, scope });
    // A victim job serving on its own network.
    const online = nextEvent((e) => e.type === 'log' && e.opId === 'victim' && e.entry.log === 'serving');
    const victimStop = new AbortController();
    const victim = runtime.runFlow({
      jobId: 'victim',
      definition: job([
        busybox(
          'victim',
          'mkdir -p /www && echo victim secret > /www/index.html && httpd -p 8080 -h /www && echo serving && sleep 600',
          {
            execution: { group: 'g' },
          },
        ),
        busybox('peer', 'sleep 600', { execution: { group: 'g' } }),
      ]),
      signal: victimStop.signal,
      onEvent: online.onEvent,
    });
    await online.promise;
    const victimId = (await engine.listContainers({ [LABELS.job]: 'victim', [LABELS.op]: 'victim' }))[0]!.id;
    const victimIps = Object.values(
      (
        (await docker.getContainer(victimId).inspect()) as {
          NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
        }
      ).NetworkSettings.Networks,
    ).map((n) => n.IPAddress);
    expect(victimIps.length).toBeGreaterThan(0);
    const probe = (url: string) =>
      `wget -q -T 3 -O- ${url} >/dev/null 2>&1 && echo "REACHED ${url}" || echo "BLOCKED ${url}"`;
    const targets = [
      `http://127.0.0.1:${loopbackPort}/`,
      `http://${gateway}:${gatewayPort}/`,
      ...victimIps.map((ip) => `http://${ip}:8080/`),
    ];
    const attack = job([busybox('attacker', targets.map(probe).join('; '))]);
    const state = await runtime.runFlow({ jobId: 'attacker', definition: attack });
    victimStop.abort('stopped');
    await victim;
    expect(state.opStates[0]!.logs.map((l) => l.log)).toEqual(targets.map((t) => `BLOCKED ${t}`));
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });
});
