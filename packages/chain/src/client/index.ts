export {
  AUTH_HEADER_VALIDITY_MS,
  createAuthHeader,
  jobAuthMessage,
  type VerifyAuthHeaderParameters,
  verifyAuthHeader,
} from './auth.js';
export {
  type CloseMarketParameters,
  type CloseMarketResult,
  type CreateNosanaClientParameters,
  createNosanaClient,
  type JobView,
  type ListJobsParameters,
  type MarketView,
  type NosanaClient,
  type OpenMarketResult,
  type PostJobParameters,
  type PostJobResult,
  type RunView,
  type UpdateMarketResult,
} from './client.js';
export {
  type MarketSettings,
  type OpenMarketParameters,
  type UpdateMarketParameters,
  validateMarketParameters,
} from './market-parameters.js';
export {
  NETWORKS,
  type NetworkConfig,
  type NetworkName,
  type ResolveNetworkParameters,
  resolveNetwork,
} from './networks.js';
export {
  type PriorityFee,
  rpc,
  type SendTransactionParameters,
  type SendTransactionResult,
  sendTransaction,
} from './send.js';
export {
  DEFAULT_WALLET_PATH,
  type LoadWalletParameters,
  type LoadWalletResult,
  loadWallet,
  walletIsExposed,
} from './wallet.js';
