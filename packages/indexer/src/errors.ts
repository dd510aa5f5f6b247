/** Error codes of @nosana/indexer. */
declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** The RPC endpoint answered with an error or could not be reached. */
    INDEXER__RPC_FAILED: { url: string; method: string; status?: number };
    /** The database file cannot be opened or is not an indexer database. */
    INDEXER__DB_FAILED: { path: string };
    /** The HTTP API could not listen on the requested address. */
    INDEXER__LISTEN_FAILED: { listen: string };
    /** The indexer API answered with an error or could not be reached (client side). */
    INDEXER__API_FAILED: { url: string; status?: number; code?: string };
  }
}

export {};
