/**
 * Error codes of `@nosana/gateway` (append-only). Thrown as `NosanaError` and matched with `isNosanaError`.
 */

declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** The gateway could not be started with these parameters (bad domain, port, certificate files). */
    GATEWAY__INVALID_PARAMETERS: { field: string; value?: string };
    /** The gateway refused to expose a service: the host does not run the job, the port is not exposed, … */
    GATEWAY__EXPOSE_REFUSED: {
      job: string;
      opIndex: number;
      port: number;
      reason:
        | 'not-runner'
        | 'not-exposed'
        | 'secret-required'
        | 'conflict'
        | 'bad-request'
        | 'chain-unavailable';
    };
    /** The tunnel to the gateway is closed (the client was closed, or the connection dropped). */
    GATEWAY__TUNNEL_CLOSED: { gatewayUrl: string };
    /** The ACME CA did not issue the gateway's certificate (DNS hook, directory, account). */
    GATEWAY__ACME_FAILED: { directoryUrl: string; domain: string };
  }
}

export {};
