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
  }
}

export {};
