/** Error codes of the template catalogue (`TEMPLATES__…`). Append-only: never rename or reuse a code. */
declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** No template with this name in the catalogue or source. */
    TEMPLATES__NOT_FOUND: { name: string; available: string[] };
    /** A parameter value is unknown, missing, or out of its range/pattern (nothing was written or sent). */
    TEMPLATES__INVALID_PARAMETER: { template: string; parameter: string; value?: string };
    /** A template document is malformed: bad fields, or its rendered job definition does not validate. */
    TEMPLATES__INVALID_TEMPLATE: { source: string; problems: string[] };
    /**
     * Deprecated (no longer thrown): split into `TEMPLATES__SOURCE_REFUSED` (bad input) and
     * `TEMPLATES__SOURCE_UNREACHABLE` (network).
     */
    TEMPLATES__SOURCE_UNAVAILABLE: { source: string; reason: string };
    /**
     * A template source is refused as given (bad input): not a URL or folder, a scheme other than http(s), a
     * redirect to one, a missing or empty folder, an answer that is too large or not a template index, HTTP 4xx.
     */
    TEMPLATES__SOURCE_REFUSED: { source: string; reason: string };
    /** A remote template source did not answer: connection failed, timed out, or HTTP 5xx (a network problem). */
    TEMPLATES__SOURCE_UNREACHABLE: { source: string; reason: string };
  }
}

export {};
