import type {} from '@nosana/core';

/** Error codes of @nosana/node. */
declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** A start-up check failed; the node does not start. */
    NODE__CHECK_FAILED: { check: string; detail: string };
    /** Another node process uses the state directory. */
    NODE__ALREADY_RUNNING: { dir: string; pid: number };
    /** Another node process on this machine runs with the same host wallet (its lock file names it). */
    NODE__WALLET_LOCKED: { address: string; pid: number; lockFile: string };
    /**
     * The chain shows the host wallet already at work (waiting in a market queue or holding a run) and this state
     * directory did not put it there: another node runs with this wallet elsewhere.
     */
    NODE__WALLET_IN_USE: { address: string; markets: string[]; jobs: string[] };
    /** The node was stopped while an operation waited or retried. */
    NODE__STOPPED: { operation: string };
    /** A stored job record is not in a phase the operation expects (a corrupted or foreign state directory). */
    NODE__RECORD_INVALID: { job: string; phase: string; operation: string };
    /** Two reads of a job on chain disagreed (a flaky or garbling RPC); the node reads it again before acting. */
    NODE__CHAIN_UNSETTLED: { job: string };
    /** A node API request named a host the API does not serve (DNS rebinding protection). */
    NODE__API_HOST_NOT_ALLOWED: { host: string; allowed: string[] };
    /** The network speed test against the operator's endpoint failed (bad URL, no answer, HTTP error, timeout). */
    NODE__SPEED_TEST_FAILED: { url: string; direction: string; reason: string };
    /** The benchmark job did not succeed, or its output is not what the workload must produce. */
    NODE__BENCHMARK_FAILED: { reason: string; status?: string };
    /** A stored benchmark record is malformed, or its signature does not verify against its signer. */
    NODE__BENCHMARK_INVALID: { path: string; reason: string };
    /**
     * Not thrown: the code of the error a result carries when the node ended the job early because a service stayed
     * unhealthy past the grace period (`FlowState.reason` says `service unhealthy for <n> s`).
     */
    NODE__SERVICE_UNHEALTHY: { job: string; op: string; port: number; unhealthyMs: number; graceMs: number };
  }
}
