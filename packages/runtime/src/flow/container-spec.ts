/**
 * What the engine is asked to create for a `container/run` op: a pure function of the (hydrated) op, the job's
 * global settings and the runtime's settings. No engine calls here, so every rule is unit-tested.
 */
import {
  type ContainerRunOperation,
  type JobDefinition,
  NosanaError,
  plainEnv,
  type RestartPolicy,
} from '@nosana/core';
import '../errors.js';
import type { ContainerSpec, GpuRequest } from '../engine/types.js';
import { toArgv } from './command.js';
import { exposedPorts } from './endpoints.js';

/** A DNS label from an op id (lower case, `[a-z0-9-]`, ≤ 63 characters): the name other ops reach it by. */
export const dnsName = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63) || 'op';

/**
 * The engine restart policy of an op: `always` becomes `unless-stopped` (so a stop sticks), `{ policy:
 * 'on-failure', restart_tries }` keeps its retry count.
 *
 * @example
 * ```ts
 * restartPolicyOf({ policy: 'on-failure', restart_tries: 3 }); // { policy: 'on-failure', maxRetries: 3 }
 * ```
 */
export function restartPolicyOf(restart: RestartPolicy | undefined): ContainerSpec['restart'] {
  if (restart === undefined) return undefined;
  if (typeof restart === 'string') return { policy: restart === 'always' ? 'unless-stopped' : restart };
  return {
    policy: 'on-failure',
    ...(restart.restart_tries === undefined ? {} : { maxRetries: restart.restart_tries }),
  };
}

/**
 * The GPUs an op gets: none unless it (or `global.gpu`) asks; then the runtime's GPU setting (default all). A GPU
 * op on a host set to `'none'` is refused before anything is created.
 *
 * @example
 * ```ts
 * gpuRequestOf('train', true, { ids: ['0'] }); // { ids: ['0'] }
 * ```
 */
export function gpuRequestOf(
  opId: string,
  wantsGpu: boolean,
  gpus: GpuRequest | 'none' | undefined,
): GpuRequest | undefined {
  if (!wantsGpu) return undefined;
  if (gpus === 'none')
    throw new NosanaError(
      'RUNTIME__GPU_UNAVAILABLE',
      `op "${opId}" needs a GPU and this host offers none — run it on a GPU host, or set "gpu": false`,
      { engine: 'none', reason: 'no GPU configured' },
    );
  return gpus ?? { all: true };
}

/** Parameters of {@link buildContainerSpec}. */
export interface BuildContainerSpecParameters {
  /** The op, literals already hydrated. */
  op: ContainerRunOperation;
  global?: JobDefinition['global'];
  jobId: string;
  /** The container's name. */
  name: string;
  /** The engine name of a job volume. */
  volumeName(name: string): string;
  labels: Record<string, string>;
  /** The network to join; `aliases` only on the job's own network (the default bridge refuses them). */
  network?: { name: string; aliases: boolean };
  limits: ContainerSpec['limits'];
  logLimit: ContainerSpec['logLimit'];
  capabilities: string[];
  gpus?: GpuRequest | 'none';
}

/**
 * The container spec of an op: image (op, else global), `cmd`/`entrypoint` split like a shell would (op
 * entrypoint, else global), `env` = global + op + `NOSANA_ID`, `work_dir` (op, else global), named job volumes,
 * published ports, network and DNS aliases (the op id and `aliases`), GPUs, restart policy, limits, log
 * retention, labels and capabilities.
 *
 * @example
 * ```ts
 * const spec = buildContainerSpec({ op, jobId: 'j', name: 'c', volumeName: (v) => v, labels: {}, limits: {}, logLimit, capabilities: [] });
 * ```
 */
export function buildContainerSpec(parameters: BuildContainerSpecParameters): ContainerSpec {
  const { op, global = {}, network } = parameters;
  const args = op.args;
  const image = args.image ?? global.image;
  if (!image)
    throw new NosanaError(
      'RUNTIME__CONTAINER_FAILED',
      `op "${op.id}" has no image — set args.image or global.image`,
      { op: op.id, reason: 'no image' },
    );
  const cmd = toArgv(args.cmd);
  const entrypoint = toArgv(args.entrypoint ?? global.entrypoint);
  const workDir = args.work_dir ?? global.work_dir;
  const gpu = gpuRequestOf(op.id, args.gpu ?? global.gpu ?? false, parameters.gpus);
  const restart = restartPolicyOf(args.restart_policy);
  const extraAliases =
    args.aliases === undefined ? [] : Array.isArray(args.aliases) ? args.aliases : [args.aliases];
  return {
    name: parameters.name,
    image,
    ...(cmd ? { cmd } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    env: {
      ...plainEnv(global.env, 'global.env'),
      ...plainEnv(args.env, `ops.${op.id}.args.env`),
      NOSANA_ID: parameters.jobId,
    },
    ...(workDir ? { workDir } : {}),
    labels: parameters.labels,
    volumes: (args.volumes ?? []).map((v) => ({ name: parameters.volumeName(v.name), dest: v.dest })),
    ports: exposedPorts(args.expose),
    ...(network
      ? { network: network.name, ...(network.aliases ? { aliases: [dnsName(op.id), ...extraAliases] } : {}) }
      : {}),
    ...(gpu ? { gpu } : {}),
    limits: parameters.limits,
    ...(restart ? { restart } : {}),
    logLimit: parameters.logLimit,
    capAdd: parameters.capabilities,
  };
}
