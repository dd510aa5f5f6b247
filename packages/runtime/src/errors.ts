/** Error codes of @nosana/runtime. */
declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** No container engine answers. */
    RUNTIME__ENGINE_UNREACHABLE: { tried: string[] };
    /** An image is not present and could not be pulled. */
    RUNTIME__IMAGE_PULL_FAILED: { image: string; reason: string };
    /** A GPU was requested but the engine cannot provide one (no NVIDIA runtime / CDI spec). */
    RUNTIME__GPU_UNAVAILABLE: { engine: string; reason: string };
    /** A container could not be created or started. */
    RUNTIME__CONTAINER_FAILED: { op: string; reason: string };
    /** A resource could not be downloaded into an op. */
    RUNTIME__RESOURCE_FAILED: { op: string; resource: string; reason: string };
    /** A flow ended failed or stopped (`nosana node run` exits 2). */
    RUNTIME__FLOW_FAILED: { status: string };
    /** GPU detection (nvidia-smi) failed in a way other than "no GPU". */
    RUNTIME__GPU_DETECTION_FAILED: { command: string; reason: string };
    /**
     * A resource names a file (in the definition or in a remote listing) that could leave its download directory:
     * absolute, with a `..` segment, a control character, too long, or clashing with another file.
     */
    RUNTIME__RESOURCE_UNSAFE_PATH: { op: string; resource: string; name: string; reason: string };
    /** A resource download would connect to a non-public address (loopback, private, link-local…) not allowed by the host. */
    RUNTIME__RESOURCE_ADDRESS_REFUSED: {
      op: string;
      resource: string;
      url: string;
      address: string;
      reason: string;
    };
    /**
     * The engine named explicitly (the `host` parameter, i.e. `nosana node start --engine-host`, or `DOCKER_HOST`)
     * does not answer, or is not the engine asked for; the standard sockets are not tried instead.
     */
    RUNTIME__ENGINE_SETTING_UNREACHABLE: { setting: string; endpoint: string; reason: string };
    /** A container, network or volume of that name exists already on the engine. */
    RUNTIME__ENGINE_CONFLICT: { kind: 'container' | 'network' | 'volume'; name: string };
    /** The engine refused or failed a request (what was asked, of which object, the engine's answer). */
    RUNTIME__ENGINE_REQUEST_FAILED: {
      operation: string;
      target: string;
      status: number | null;
      reason: string;
    };
    /** `runFlow` was called for a job this runtime is already running. */
    RUNTIME__FLOW_ALREADY_RUNNING: { job: string };
    /** The busybox image could not be built or loaded from the host's static busybox. */
    RUNTIME__IMAGE_SEED_FAILED: { image: string; reason: string };
    /** The local registry (Debian's `docker-registry`) could not be started or did not answer on loopback. */
    RUNTIME__REGISTRY_START_FAILED: { binary: string; address: string; reason: string };
    /**
     * The registry refused the pull's credentials (missing or wrong `authentication.docker`). The context never holds
     * the credentials, only whether some were given.
     */
    RUNTIME__IMAGE_PULL_UNAUTHORIZED: {
      image: string;
      registry: string;
      credentials: boolean;
      reason: string;
    };
    /** A test image could not be built or pushed to a registry (test and benchmark helpers). */
    RUNTIME__IMAGE_BUILD_FAILED: { image: string; reason: string };
  }
}

export {};
