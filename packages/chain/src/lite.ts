/**
 * `@nosana/chain/lite`: reads of the Nosana programs that do not load web3.js, for short-lived processes (the
 * `nosana` CLI's read commands). Addresses are base58 text; the account decoding is the client's own
 * (`protocol/account-fields.ts`). Everything that signs, sends or subscribes is in `@nosana/chain`.
 */

export {
  NETWORKS,
  type NetworkConfig,
  type NetworkName,
  type ResolveNetworkParameters,
  resolveNetwork,
} from './client/networks.js';
export {
  base58At,
  type LiteAccount,
  type LiteRpc,
  readAccount,
  readProgramAccounts,
} from './lite/accounts.js';
export { type JsonRpcParameters, jsonRpc } from './lite/json-rpc.js';
export {
  type GetMarketLiteParameters,
  getMarketLite,
  type ListMarketsLiteParameters,
  type LiteMarket,
  type LiteMarketNamesParameters,
  listMarketsLite,
  liteMarketNames,
} from './lite/markets.js';
export { PROGRAM_ADDRESSES, type ProgramSet } from './protocol/program-addresses.js';
