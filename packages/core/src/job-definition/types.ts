/**
 * Types of the Nosana job definition (version "0.1"), compatible with the format the real Nosana CLI,
 * SDK and node accept. The JSON Schema in `schema/job-definition.schema.json` is the normative
 * description; these types mirror it.
 */

/** A literal placeholder such as `%%ops.setup.results.port%%` or `%%globals.job%%`, resolved when an op is hydrated. */
export type LiteralString = `%%${string}%%`;

/** Splices the array or object a literal resolves to into the surrounding array or object. */
export interface SpreadMarker {
  __spread__: LiteralString;
}

/** Array marker: when it is the first item, the array property is removed if the rest resolves to nothing. */
export type RemoveIfEmptyMarker = '__remove-if-empty__';

/** A port range such as `"8000-8010"` (start < end). */
export type PortRange = `${number}-${number}`;

/** The kind of service behind an exposed port. */
export type ServiceType = 'web' | 'api' | 'webapi' | 'websocket' | 'none';

/** An HTTP health check of an exposed port. */
export interface HttpHealthCheck {
  type: 'http';
  path: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  expected_status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Keep probing after the first success (every 30 s by default). Default false. */
  continuous?: boolean;
}

/** A WebSocket health check: connect, and expect this first message. */
export interface WebSocketHealthCheck {
  type: 'websocket';
  expected_response: string;
  /** Keep probing after the first success. Default false. */
  continuous?: boolean;
}

export type HealthCheck = HttpHealthCheck | WebSocketHealthCheck;

/** An exposed port with its service type and health checks. */
export interface ExposedPort {
  port: number | PortRange;
  type?: ServiceType;
  health_checks?: HealthCheck[];
}

export type ExposeItem = number | PortRange | ExposedPort | LiteralString | SpreadMarker;
export type Expose = number | PortRange | LiteralString | SpreadMarker | ExposeItem[];

/** Credentials for S3 buckets. */
export interface S3Auth {
  REGION: string;
  ACCESS_KEY_ID: string;
  SECRET_ACCESS_KEY: string;
}

/** Files from S3 (or the Nosana model mirror) downloaded into `target` before the op starts. */
export interface S3Resource {
  type: 'S3';
  target: string;
  url?: string;
  bucket?: string;
  buckets?: Array<{ url: string; files?: string[] }>;
  files?: string[];
  allowWrite?: boolean;
  IAM?: S3Auth;
}

/** A Hugging Face repository (or some of its files) downloaded into `target` before the op starts. */
export interface HFResource {
  type: 'HF';
  target: string;
  repo: string;
  revision?: string;
  files?: string[];
  accessToken?: string;
}

/** An Ollama model pulled before the op starts. */
export interface OllamaResource {
  type: 'Ollama';
  model: string;
  target?: string;
}

/** A file downloaded over HTTP(S) into `target` (a file path inside the container) before the op starts. */
export interface URLResource {
  type: 'URL';
  url: string;
  target: string;
  /** Hex sha256 of the content; the download fails when it differs. */
  sha256?: string;
  /** Refuse downloads larger than this many bytes. */
  max_bytes?: number;
}

export type Resource = S3Resource | HFResource | OllamaResource | URLResource;

/** Docker registry credentials for a private image. */
export interface DockerAuth {
  username?: string;
  password?: string;
  email?: string;
  server?: string;
}

export type RestartPolicy =
  | 'no'
  | 'always'
  | 'unless-stopped'
  | 'on-failure'
  | { policy: 'on-failure'; restart_tries?: number };

/** A secret env value before posting: `nosana job post` seals it; it is never pinned as is. */
export interface SecretEnvValue {
  secret: string;
}

/** A secret sealed to the nodes that may run the job: one sealed box (base64) per node address. */
export interface SealedSecret {
  v: 1;
  /** The wallet that sealed it (base58): a node opens it only in a job posted by this wallet. */
  poster: string;
  boxes: Record<string, string>;
}

/** A sealed env value as pinned with the definition. */
export interface SealedEnvValue {
  sealed: SealedSecret;
}

/** An env value: plain, secret (before posting) or sealed (as posted). */
export type EnvValue = string | SecretEnvValue | SealedEnvValue;

/** A command or entrypoint: a shell-style string, or an argument vector. */
export type Command = string | Array<string | RemoveIfEmptyMarker>;

/** Arguments of a `container/run` op. */
export interface ContainerRunArgs {
  /** Image reference, e.g. `ubuntu:24.04` or `docker.io/vllm/vllm-openai:v0.7.2`. Falls back to `global.image`. */
  image?: string;
  cmd?: Command;
  entrypoint?: Command;
  env?: Record<string, EnvValue>;
  work_dir?: string;
  gpu?: boolean;
  volumes?: Array<{ name: string; dest: string }>;
  expose?: Expose;
  private?: boolean;
  aliases?: string | string[];
  restart_policy?: RestartPolicy;
  resources?: Array<Resource | SpreadMarker | RemoveIfEmptyMarker>;
  authentication?: { docker?: DockerAuth };
  /** @deprecated Legacy artifact path of the 0.x SDK; accepted and ignored. */
  output?: string;
}

/** Arguments of a `container/create-volume` op. */
export interface CreateVolumeArgs {
  name: string;
}

export type StdStream = 'stdin' | 'stdout' | 'stderr' | 'nodeerr';

/** A result extracted from log lines: a regex string, or a regex limited to some streams. */
export type ResultSpec = string | { regex: string; logType: StdStream[] };

export interface Execution {
  /** Ops with the same group run in parallel; groups run one after another in order of first appearance. */
  group?: string;
  /** Ops of the same group that must finish (or, for services, start) before this one. */
  depends_on?: string[];
  /** Stop this op when one of its dependencies stops. */
  stop_if_dependent_stops?: boolean;
}

interface OperationBase<T extends string, A> {
  type: T;
  /** Unique id, no whitespace. */
  id: string;
  args: A;
  results?: Record<string, ResultSpec>;
  execution?: Execution;
}

export type ContainerRunOperation = OperationBase<'container/run', ContainerRunArgs>;
export type CreateVolumeOperation = OperationBase<'container/create-volume', CreateVolumeArgs>;
export type Operation = ContainerRunOperation | CreateVolumeOperation;
export type OperationType = Operation['type'];

/** Where a confidential job's definition or results are exchanged instead of public IPFS. */
export interface Logistics {
  type: 'api' | 'api-listen';
  args: { endpoint?: string };
}

/** A Nosana job definition. */
export interface JobDefinition {
  version: '0.1';
  type: 'container';
  meta?: {
    trigger?: string;
    system_requirements?: { required_vram?: number; [key: string]: unknown };
    system_resources?: Record<string, string | number>;
    [key: string]: unknown;
  };
  global?: {
    image?: string;
    gpu?: boolean;
    entrypoint?: Command;
    env?: Record<string, EnvValue>;
    work_dir?: string;
    variables?: Record<string, string>;
  };
  ops: Operation[];
  logistics?: { send?: Logistics; receive?: Logistics };
  deployment_id?: string;
}
