/**
 * `@nosana/chain/lite`: reads of the Nosana programs that do not load web3.js, for short-lived processes (the
 * `nosana` CLI's read commands). Addresses are base58 text; the account decoding is the client's own
 * (`protocol/account-fields.ts`). Everything that signs, sends or subscribes is in `@nosana/chain`.
 */

export { type JobFields, jobNotFoundError, type RunFields } from './client/job-fields.js';
export {
  NETWORKS,
  type NetworkConfig,
  type NetworkName,
  type ResolveNetworkParameters,
  resolveNetwork,
} from './client/networks.js';
export { KUBO_CHUNK_SIZE, singleBlockCid } from './ipfs/single-block-cid.js';
export {
  base58At,
  isAddress,
  type LiteAccount,
  type LiteRpc,
  readAccount,
  readProgramAccounts,
} from './lite/accounts.js';
export { type LiteContentSource, type ReadJsonLiteParameters, readJsonLite } from './lite/ipfs.js';
export { type GetJobLiteParameters, getJobLite, type LiteJob } from './lite/jobs.js';
export { type JsonRpcParameters, jsonRpc } from './lite/json-rpc.js';
export {
  type GetMarketLiteParameters,
  getMarketLite,
  type ListMarketsLiteParameters,
  type LiteMarket,
  type LiteMarketNamesParameters,
  listMarketsLite,
  liteMarketNames,
  localnetInfoLite,
} from './lite/markets.js';
export { PROGRAM_ADDRESSES, type ProgramSet, SYSTEM_PROGRAM_ADDRESS } from './protocol/program-addresses.js';
