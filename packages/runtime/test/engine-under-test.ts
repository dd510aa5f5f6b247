/**
 * What the engine conformance suite (engine-conformance.ts) is told about the engine it runs against, and the
 * flow helper its scenarios and the engines' own test files share.
 */
import type { JobDefinition } from '@nosana/core';
import type Docker from 'dockerode';
import type { ConnectEngineParameters } from '../src/engine/discover.js';
import type { ContainerEngine } from '../src/engine/types.js';

/**
 * A container flow of these ops.
 *
 * @example
 * job([{ type: 'container/run', id: 'x', args: { image: 'busybox:1.35', cmd: ['true'] } }]);
 */
export const job = (ops: JobDefinition['ops']): JobDefinition => ({ version: '0.1', type: 'container', ops });

/** The engine the suite runs against, as the test file set it up. */
export interface EngineUnderTest {
  engine: ContainerEngine;
  docker: Docker;
  /** The runtime scope of the file: everything the suite creates carries it, and is reaped by it. */
  scope: string;
  /** How another process connects to the same engine (the child that is killed in the resume test). */
  connect: ConnectEngineParameters;
  /**
   * The network a flow with one container gets: Docker's default bridge when the daemon keeps containers
   * there apart (`"icc": false`), else a network of the job's own (Podman always).
   */
  singleContainerNetwork: 'default bridge' | 'own network';
}

/** Where engines legitimately differ; everything else the suite asserts the same on every engine. */
export interface EngineDifferences {
  /** Job ids (and the names of what the suite creates directly) start with this, e.g. `it-hello`. */
  jobPrefix: string;
  /** The name of the init the engine runs as PID 1 (/proc/1/comm). */
  initName: string;
  /** Exit code of an op whose executable does not exist (a shell-like init: 127; catatonit: 1). */
  missingExecutableExitCode: number;
  /**
   * CapAdd and CapDrop as the engine reports them on inspect (plain values or asymmetric matchers). Docker shows
   * what was asked (drop ALL, add the defaults); Podman shows the difference to its own default set. Either
   * way, no capability the runtime keeps may be dropped (the suite checks that, and the effective set inside).
   */
  capabilities: { CapAdd: unknown; CapDrop: unknown };
  /** HostPort of a published port on inspect: Docker keeps the requested '' (random), Podman the port it chose. */
  publishedHostPort: unknown;
  /** Whether inspect shows the json-file size and file limits (Docker) or only the driver (Podman). */
  reportsLogLimits: boolean;
  gpu: {
    /** HostConfig.DeviceRequests of a GPU container (none where the GPU is asked for as a CDI device). */
    deviceRequests: unknown;
    /** The engine's refusal to start a GPU container on this GPU-less host; names the form of the request. */
    refusal: RegExp;
  };
}
