/**
 * A fake container engine for unit tests of code that drives the runtime (`@nosana/runtime/testing`). Containers
 * do what a test script says; nothing touches a real engine. Not for production use.
 *
 * @packageDocumentation
 */
import { NosanaError } from '@nosana/core';
import './errors.js';
import { engineFailure, startFailure } from './engine/failures.js';
import type {
  ContainerEngine,
  ContainerLogLine,
  ContainerSpec,
  ContainerState,
  LabelledResource,
} from './engine/types.js';

/** What a fake container does when started. */
export interface FakeBehavior {
  logs?: Array<{ stream?: 'stdout' | 'stderr'; line: string }>;
  exitCode?: number;
  /** Runs until stopped when true (a service). */
  forever?: boolean;
  /** Milliseconds before exiting. */
  durationMs?: number;
  /** Host port per published container port. */
  ports?: Record<number, number>;
  /** Fail at start with this engine message. */
  startError?: string;
}

interface FakeContainer {
  id: string;
  spec: ContainerSpec;
  state: 'created' | 'running' | 'exited';
  exitCode: number;
  logs: ContainerLogLine[];
  waiters: Array<(code: number) => void>;
  listeners: Array<() => void>;
  behavior: FakeBehavior;
  timer?: NodeJS.Timeout;
}

/** The fake engine and what it recorded. */
export interface FakeEngine extends ContainerEngine {
  readonly containers: Map<string, FakeContainer>;
  readonly volumes: Map<string, Record<string, string>>;
  readonly networks: Map<string, Record<string, string>>;
  readonly pulled: string[];
  /** Images pulled (or added by a test): `inspectImage` reports each as 1000 bytes, `removeImage` removes it. */
  readonly images: Set<string>;
  /** Names of containers in start order. */
  readonly started: string[];
}

/** Options of {@link createFakeEngine}. */
export interface FakeEngineOptions {
  /** Which engine it claims to be. Default docker. */
  kind?: 'docker' | 'podman';
  /** Inter-container traffic on the default `bridge` network (Docker's `icc`). Default true, as on Docker. */
  defaultBridgeIcc?: boolean;
}

/**
 * A fake engine: `behavior(spec)` decides what each container does.
 *
 * @example
 * ```ts
 * const engine = createFakeEngine(() => ({ logs: [{ line: 'hello' }], exitCode: 0 }));
 * const state = await createRuntime({ engine, scope: 'test' }).runFlow({ jobId: 'j', definition });
 * ```
 */
export function createFakeEngine(
  behavior: (spec: ContainerSpec) => FakeBehavior = () => ({}),
  { kind = 'docker', defaultBridgeIcc = true }: FakeEngineOptions = {},
): FakeEngine {
  const state: FakeState = {
    containers: new Map(),
    volumes: new Map(),
    networks: new Map(),
    pulled: [],
    started: [],
    images: new Set(),
  };
  return {
    containers: state.containers,
    volumes: state.volumes,
    networks: state.networks,
    pulled: state.pulled,
    images: state.images,
    started: state.started,
    ...fakeResourceOps(state, kind, defaultBridgeIcc),
    ...fakeContainerOps(state, behavior, kind),
  };
}

interface FakeState {
  containers: Map<string, FakeContainer>;
  volumes: Map<string, Record<string, string>>;
  networks: Map<string, Record<string, string>>;
  pulled: string[];
  started: string[];
  images: Set<string>;
}

const matches = (labels: Record<string, string>, filter: Record<string, string>) =>
  Object.entries(filter).every(([k, v]) => labels[k] === v);

const listLabelled = (
  map: Map<string, Record<string, string>>,
  filter: Record<string, string>,
): LabelledResource[] =>
  [...map]
    .filter(([, labels]) => matches(labels, filter))
    .map(([name, labels]) => ({ id: name, name, labels }));

/** The engine's info, images, volumes and networks. */
function fakeResourceOps(
  { volumes, networks, pulled, images }: FakeState,
  kind: 'docker' | 'podman',
  defaultBridgeIcc: boolean,
): Omit<ContainerEngine, FakeContainerOp> {
  return {
    info: async () => ({ kind, version: 'fake', apiVersion: '1.41' }),
    imageExists: async (image) => images.has(image) || !image.startsWith('pull-me/'),
    inspectImage: async (image) =>
      images.has(image) ? { id: `sha256:${image}`, repoDigests: [], size: 1000 } : undefined,
    removeImage: async (image) => (images.delete(image) ? 'removed' : 'missing'),
    pullImage: async (image, options) => {
      if (image.includes('missing')) {
        throw new NosanaError('RUNTIME__IMAGE_PULL_FAILED', `cannot pull image ${image}: not found`, {
          image,
          reason: 'not found',
        });
      }
      options?.onProgress?.({ image, status: 'Downloading', current: 50, total: 100 });
      pulled.push(image);
      images.add(image);
    },
    createVolume: async (name, labels) => {
      volumes.set(name, labels);
    },
    removeVolume: async (name) => {
      volumes.delete(name);
    },
    createNetwork: async (name, { labels }) => {
      networks.set(name, labels);
    },
    removeNetwork: async (name) => {
      networks.delete(name);
    },
    inspectNetwork: async (name) => {
      if (name === (kind === 'podman' ? 'podman' : 'bridge')) {
        const options: Record<string, string> =
          kind === 'docker' ? { 'com.docker.network.bridge.enable_icc': String(defaultBridgeIcc) } : {};
        return { name, driver: 'bridge', options };
      }
      return networks.has(name) ? { name, driver: 'bridge', options: {} } : undefined;
    },
    listVolumes: async (filter) => listLabelled(volumes, filter),
    listNetworks: async (filter) => listLabelled(networks, filter),
  };
}

type FakeContainerOp =
  | 'createContainer'
  | 'startContainer'
  | 'waitContainer'
  | 'inspectContainer'
  | 'logs'
  | 'putFiles'
  | 'stopContainer'
  | 'removeContainer'
  | 'listContainers';

/** Containers doing what `behavior` says. */
function fakeContainerOps(
  { containers, started }: FakeState,
  behavior: (spec: ContainerSpec) => FakeBehavior,
  kind: 'docker' | 'podman',
): Pick<ContainerEngine, FakeContainerOp> {
  let next = 1;
  const find = (idOrName: string) =>
    containers.get(idOrName) ?? [...containers.values()].find((c) => c.spec.name === idOrName);
  const exit = (container: FakeContainer, code: number) => {
    if (container.state !== 'running') return;
    if (container.timer) clearTimeout(container.timer);
    container.state = 'exited';
    container.exitCode = code;
    for (const waiter of container.waiters.splice(0)) waiter(code);
    for (const listener of container.listeners.splice(0)) listener();
  };
  return {
    createContainer: async (spec) => {
      if (find(spec.name))
        throw engineFailure(
          'create container',
          spec.name,
          { statusCode: 409, message: 'name in use' },
          'container',
        );
      const id = `fake-${next++}`;
      containers.set(id, {
        id,
        spec,
        state: 'created',
        exitCode: 0,
        logs: [],
        waiters: [],
        listeners: [],
        behavior: behavior(spec),
      });
      return id;
    },
    startContainer: async (id) => {
      const container = find(id)!;
      if (container.behavior.startError)
        throw startFailure(id, { statusCode: 500, json: { message: container.behavior.startError } }, kind);
      const exited = new Promise<{ exitCode: number }>((resolve) =>
        container.waiters.push((exitCode) => resolve({ exitCode })),
      );
      container.state = 'running';
      started.push(container.spec.name);
      const now = Date.now();
      container.logs = (container.behavior.logs ?? []).map((l) => ({
        stream: l.stream ?? 'stdout',
        line: l.line,
        timestamp: now,
      }));
      if (!container.behavior.forever)
        container.timer = setTimeout(
          () => exit(container, container.behavior.exitCode ?? 0),
          container.behavior.durationMs ?? 5,
        );
      return { exited };
    },
    waitContainer: (id) => {
      const container = find(id)!;
      if (container.state !== 'running') return Promise.resolve({ exitCode: container.exitCode });
      return new Promise((resolve) => container.waiters.push((exitCode) => resolve({ exitCode })));
    },
    inspectContainer: async (id): Promise<ContainerState> => {
      const container = find(id);
      if (!container)
        throw engineFailure('inspect container', id, { statusCode: 404, message: 'no such container' });
      return {
        id: container.id,
        status: container.state,
        running: container.state === 'running',
        restarting: false,
        exitCode: container.exitCode,
        oomKilled: false,
        error: '',
        startedAt: '2026-01-01T00:00:00Z',
        finishedAt: container.state === 'exited' ? '2026-01-01T00:00:01Z' : '0001-01-01T00:00:00Z',
        restartCount: 0,
        ports:
          container.behavior.ports ?? Object.fromEntries(container.spec.ports.map((p) => [p, 40_000 + p])),
        labels: container.spec.labels,
      };
    },
    async *logs(id, { follow }) {
      const container = find(id)!;
      if (container.logs.length > 0) yield [...container.logs];
      if (follow && container.state === 'running')
        await new Promise<void>((resolve) => container.listeners.push(resolve));
    },
    putFiles: async () => undefined,
    stopContainer: async (id) => {
      const container = find(id);
      if (container) exit(container, 143);
    },
    removeContainer: async (id) => {
      const container = find(id);
      if (container) {
        exit(container, 137);
        containers.delete(container.id);
      }
    },
    listContainers: async (filter) =>
      [...containers.values()]
        .filter((c) => matches(c.spec.labels, filter))
        .map((c) => ({ id: c.id, name: c.spec.name, labels: c.spec.labels })),
  };
}

export {
  DEFAULT_REGISTRY_BINARY,
  type LocalRegistry,
  type StartLocalRegistryParameters,
  startLocalRegistry,
} from './images/local-registry.js';
export {
  type BuildSizedImageParameters,
  buildSizedImage,
  type PushImageParameters,
  pushImage,
} from './images/sized-image.js';
