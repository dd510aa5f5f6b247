/** Default cap on reads: job definitions and results are small JSON documents. */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
