/**
 * The container engine as the runtime sees it: our own types, not dockerode's, so the flow executor can be
 * tested with a fake and the Docker/Podman differences stay in one adapter.
 */

/** Which engine answers. */
export type EngineKind = 'docker' | 'podman';

export interface EngineInfo {
  kind: EngineKind;
  version: string;
  apiVersion: string;
}

/** GPUs to give a container: all of them, or these indexes/UUIDs. */
export type GpuRequest = { all: true } | { ids: string[] };

/** Everything the runtime asks of a container. */
export interface ContainerSpec {
  name: string;
  image: string;
  cmd?: string[];
  entrypoint?: string[];
  env: Record<string, string>;
  workDir?: string;
  labels: Record<string, string>;
  /** Named volumes only: definitions never get host paths. */
  volumes: Array<{ name: string; dest: string; readOnly?: boolean }>;
  /** Container ports to publish on 127.0.0.1 (random host ports). */
  ports: number[];
  /** Network to join (a per-job network), with extra DNS names. */
  network?: string;
  aliases?: string[];
  gpu?: GpuRequest;
  limits: { memoryBytes?: number; nanoCpus?: number; pids?: number };
  restart?: { policy: 'no' | 'always' | 'unless-stopped' | 'on-failure'; maxRetries?: number };
  /** Engine-side log retention (json-file): bytes per file and files kept. */
  logLimit: { maxSizeBytes: number; maxFiles: number };
  /** Extra capabilities on top of the dropped-all baseline. */
  capAdd: string[];
  /** Registry credentials are passed to pull only; never stored on the container. */
}

/** A container's state, from `inspect`. */
export interface ContainerState {
  id: string;
  status: string;
  running: boolean;
  restarting: boolean;
  exitCode: number;
  oomKilled: boolean;
  error: string;
  startedAt?: string;
  finishedAt?: string;
  restartCount: number;
  /** Host ports by container port (published on 127.0.0.1). */
  ports: Record<number, number>;
  labels: Record<string, string>;
}

/** One log line of a container. */
export interface ContainerLogLine {
  stream: 'stdout' | 'stderr';
  line: string;
  /** Unix milliseconds (from the engine's timestamps). */
  timestamp: number;
  /** Bytes cut off the end of a line longer than the reader's `maxLineBytes`. */
  droppedBytes?: number;
}

/** Image pull progress. */
export interface PullProgress {
  image: string;
  /** The engine's last status message (e.g. `Downloading`, `Pull complete`). */
  status: string;
  /** `downloading` until every layer is downloaded, then `extracting`, then `complete`. */
  phase?: 'downloading' | 'extracting' | 'complete';
  /** Bytes downloaded / total of the layers whose size is known so far (layers already present not counted). */
  current: number;
  total: number;
  /** Layers to pull, pulled (`done`), and already present on the host (`cached`). */
  layers?: { total: number; done: number; cached: number };
}

/** A resource the runtime created (for reaping). */
export interface LabelledResource {
  id: string;
  name: string;
  labels: Record<string, string>;
}

export interface ContainerEngine {
  info(): Promise<EngineInfo>;
  imageExists(image: string): Promise<boolean>;
  /**
   * The image's id (`sha256:…`) and registry digests (`name@sha256:…`), or undefined when it is not present.
   * Optional: engines without it leave receipts without image digests.
   */
  inspectImage?(image: string): Promise<{ id: string; repoDigests: string[]; size?: number } | undefined>;
  /**
   * Removes an image (never forced): `in-use` when a container (running or not) still uses it, `missing` when it is
   * not there. Optional: engines without it are never asked to evict.
   */
  removeImage?(image: string): Promise<'removed' | 'in-use' | 'missing'>;
  pullImage(
    image: string,
    options?: {
      /** A definition's `authentication.docker`; never logged, never in an error (see `redactCredentials`). */
      auth?: { username?: string; password?: string; email?: string; server?: string };
      onProgress?: (progress: PullProgress) => void;
      signal?: AbortSignal;
    },
  ): Promise<void>;
  createVolume(name: string, labels: Record<string, string>): Promise<void>;
  removeVolume(name: string): Promise<void>;
  createNetwork(name: string, options: { labels: Record<string, string>; internal: boolean }): Promise<void>;
  removeNetwork(name: string): Promise<void>;
  /** A network's driver options (e.g. `com.docker.network.bridge.enable_icc`), or undefined if it does not exist. */
  inspectNetwork(
    name: string,
  ): Promise<{ name: string; driver: string; options: Record<string, string> } | undefined>;
  /** Creates (does not start) a container; returns its id. */
  createContainer(spec: ContainerSpec): Promise<string>;
  /**
   * Starts a container. The returned promise of its next exit is set up before starting, so a fast exit cannot be
   * missed.
   */
  startContainer(id: string): Promise<{ exited: Promise<{ exitCode: number }> }>;
  /** Waits for the next exit of a running container. */
  waitContainer(id: string): Promise<{ exitCode: number }>;
  inspectContainer(id: string): Promise<ContainerState>;
  /**
   * Log lines in batches (in order; a batch is what arrived since the last was taken, never empty), following
   * until the container stops (or `signal` aborts); `since` in unix ms. A line longer than `maxLineBytes` is cut
   * (its `droppedBytes` say how much), never held whole.
   */
  logs(
    id: string,
    options: { since?: number; follow: boolean; signal?: AbortSignal; maxLineBytes?: number },
  ): AsyncIterable<ContainerLogLine[]>;
  /** Copies files into a (created or running) container, e.g. downloaded resources. */
  putFiles(
    id: string,
    directory: string,
    files: Array<{ name: string; path: string; size: number }>,
  ): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceSeconds`; stopping a stopped container is not an error. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listContainers(labels: Record<string, string>): Promise<LabelledResource[]>;
  listVolumes(labels: Record<string, string>): Promise<LabelledResource[]>;
  listNetworks(labels: Record<string, string>): Promise<LabelledResource[]>;
}
