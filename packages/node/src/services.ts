/**
 * Public endpoints of the jobs a node runs: when a service op's port is published on the host, it is exposed through
 * the node's gateway tunnel; the exposure is withdrawn when the op or the job ends. A failure to expose is reported,
 * never a failure of the job.
 */
import { randomBytes } from 'node:crypto';
import type { JobDefinition } from '@nosana/core';
import type { ExposeParameters, ExposeResult } from '@nosana/gateway';
import type { RuntimeEvent } from '@nosana/runtime';

/** The part of the gateway's tunnel client the node uses. */
export interface ServiceTunnel {
  expose(parameters: ExposeParameters): Promise<ExposeResult>;
}

/** What happened to one of a job's public endpoints. */
export interface ServiceEvent {
  type: 'service';
  job: string;
  op: string;
  port: number;
  status: 'exposed' | 'failed' | 'closed';
  /** The public URL (left out for private ops, whose URL only the job's owner gets). */
  url?: string;
  private: boolean;
  /** Why it failed. */
  message?: string;
}

/** Parameters of {@link createJobServices}. */
export interface CreateJobServicesParameters {
  tunnel: ServiceTunnel;
  job: string;
  definition: JobDefinition;
  /** Called with the public URL of an op's port once the gateway accepted it (undefined once withdrawn). */
  onUrl(opId: string, port: number, url: string | undefined): void;
  onEvent(event: ServiceEvent): void;
}

/** One job's public endpoints. */
export interface JobServices {
  /** Feeds the job's runtime events: endpoints are exposed when published, withdrawn when their op ends. */
  onRuntimeEvent(event: RuntimeEvent): void;
  /** Withdraws every endpoint of the job (the job ended). */
  close(): void;
}

const ENDING = new Set(['stopping', 'success', 'failed', 'stopped']);

interface Exposure {
  opId: string;
  port: number;
  private: boolean;
  closed: boolean;
  result?: ExposeResult;
}

/**
 * Tracks one job's services and exposes them through the tunnel (target: the port the runtime published on
 * 127.0.0.1). A private op gets a fresh random secret, so its URL is known to this node (and the job's owner) only.
 *
 * @example
 * ```ts
 * const services = createJobServices({ tunnel, job, definition, onUrl, onEvent });
 * await runtime.runFlow({ ..., onEvent: (event) => services.onRuntimeEvent(event) });
 * services.close();
 * ```
 */
export function createJobServices(parameters: CreateJobServicesParameters): JobServices {
  const { tunnel, job, definition } = parameters;
  const exposures = new Map<string, Exposure>();
  const opIndex = new Map(definition.ops.map((op, index) => [op.id, index]));
  const privateOps = new Set(
    definition.ops
      .filter((op) => op.type === 'container/run' && (op.args as { private?: boolean }).private === true)
      .map((op) => op.id),
  );
  let ended = false;

  const report = (exposure: Exposure, status: ServiceEvent['status'], extra: Partial<ServiceEvent> = {}) => {
    try {
      parameters.onEvent({
        type: 'service',
        job,
        op: exposure.opId,
        port: exposure.port,
        status,
        private: exposure.private,
        ...extra,
      });
    } catch {
      // A listener's failure must not touch the job.
    }
  };

  const withdraw = (exposure: Exposure) => {
    if (exposure.closed) return;
    exposure.closed = true;
    if (!exposure.result) return; // still pending: withdrawn as soon as the gateway answers
    try {
      exposure.result.close();
    } catch {
      // The tunnel is gone: so is the service.
    }
    parameters.onUrl(exposure.opId, exposure.port, undefined);
    report(exposure, 'closed');
  };

  const expose = (opId: string, port: number, url: string) => {
    const key = `${opId}:${port}`;
    const index = opIndex.get(opId);
    const targetPort = Number(/^[a-z]+:\/\/127\.0\.0\.1:(\d+)/.exec(url)?.[1]);
    if (ended || exposures.has(key) || index === undefined || !Number.isInteger(targetPort)) return;
    const exposure: Exposure = { opId, port, private: privateOps.has(opId), closed: false };
    exposures.set(key, exposure);
    tunnel
      .expose({
        job,
        opIndex: index,
        port,
        targetHost: '127.0.0.1',
        targetPort,
        ...(exposure.private ? { secret: randomBytes(24).toString('hex') } : {}),
      })
      .then(
        (result) => {
          exposure.result = result;
          if (exposure.closed) {
            exposure.closed = false;
            return withdraw(exposure);
          }
          parameters.onUrl(opId, port, result.url);
          report(exposure, 'exposed', exposure.private ? {} : { url: result.url });
        },
        (error: unknown) => {
          exposure.closed = true;
          report(exposure, 'failed', { message: (error as Error).message });
        },
      );
  };

  return {
    onRuntimeEvent(event) {
      if (event.jobId !== job) return;
      if (event.type === 'endpoint') expose(event.opId, event.port, event.url);
      if (event.type === 'op-status' && ENDING.has(event.status))
        for (const exposure of exposures.values()) if (exposure.opId === event.opId) withdraw(exposure);
    },
    close() {
      ended = true;
      for (const exposure of exposures.values()) withdraw(exposure);
    },
  };
}
