/** Error codes of the deployment manager (`DEPLOY__…`). Append-only: never rename or reuse a code. */
declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** A deployment setting is missing or out of range (nothing was stored or sent). */
    DEPLOY__INVALID_PARAMETER: { field: string; value: string };
    /** A cron expression could not be parsed (nothing was stored or sent). */
    DEPLOY__INVALID_SCHEDULE: { schedule: string };
    /** The budget cannot pay for even one job of the deployment (nothing was stored or sent). */
    DEPLOY__BUDGET_TOO_LOW: { budget: string; required: string };
    /** No deployment with this id in the manager's store. */
    DEPLOY__NOT_FOUND: { id: string };
    /** The deployment's status does not allow the operation (e.g. scaling an archived deployment). */
    DEPLOY__INVALID_TRANSITION: { id: string; status: string; operation: string };
    /** A request to the manager's HTTP API was refused (bad signature, malformed body, unknown route). */
    DEPLOY__API_REQUEST: { status: number; path: string };
    /** The manager's HTTP API could not be reached. */
    DEPLOY__API_UNREACHABLE: { url: string };
    /** The state database cannot be opened (path, permissions, or another manager holds it). */
    DEPLOY__STORE_UNAVAILABLE: { path: string };
  }
}

export {};
