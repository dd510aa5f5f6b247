/** Error codes of the template catalogue (`TEMPLATES__…`). Append-only: never rename or reuse a code. */
declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** No template with this name in the catalogue or source. */
    TEMPLATES__NOT_FOUND: { name: string; available: string[] };
    /** A parameter value is unknown, missing, or out of its range/pattern (nothing was written or sent). */
    TEMPLATES__INVALID_PARAMETER: { template: string; parameter: string; value?: string };
    /** A template document is malformed: bad fields, or its rendered job definition does not validate. */
    TEMPLATES__INVALID_TEMPLATE: { source: string; problems: string[] };
    /** A template source cannot be read: a missing folder, a refused URL, an HTTP error, a timeout, too large. */
    TEMPLATES__SOURCE_UNAVAILABLE: { source: string; reason: string };
  }
}

export {};
