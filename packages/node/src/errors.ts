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
    /**
     * A confidential job's definition did not reach the node in time (`api-listen`: the poster never sent it;
     * `api`: its endpoint never gave it). The job ends with status `logistics-error`, paid for the time waited.
     */
    NODE__LOGISTICS_TIMEOUT: { job: string; waited: 'definition' | 'result'; timeoutMs: number };
    /** A logistics endpoint (`api`) failed: refused address, HTTP error, bad or too large answer. */
    NODE__LOGISTICS_FAILED: { job: string; endpoint: string; reason: string };
    /** `POST /job/<job>/job-definition` when the node does not wait for that job's definition. */
    NODE__DEFINITION_NOT_AWAITED: { job: string; status: string };
    /** `POST /job/<job>/job-definition` with a definition that does not validate (nothing runs; the node waits on). */
    NODE__DEFINITION_INVALID: { job: string; errors: string[] };
    /** `GET /job/<job>/results` for a job whose result this node does not keep (not confidential, or expired). */
    NODE__RESULT_NOT_KEPT: { job: string };
    /** `GET /job/<job>/results` before the job's flow ended. */
    NODE__RESULT_NOT_READY: { job: string; status: string };
    /**
     * Not thrown: the code of the error a confidential job's blank result carries when its owner did not collect the
     * real one in time (`api-listen`); the node still serves it to the owner until it expires.
     */
    NODE__RESULT_NOT_COLLECTED: { job: string; timeoutMs: number };
  }
}
