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
  }
}

export {};
