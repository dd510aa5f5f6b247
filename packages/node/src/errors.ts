import type {} from '@nosana/core';

/** Error codes of @nosana/node. */
declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** A start-up check failed; the node does not start. */
    NODE__CHECK_FAILED: { check: string; detail: string };
    /** Another node process uses the state directory. */
    NODE__ALREADY_RUNNING: { dir: string; pid: number };
  }
}
