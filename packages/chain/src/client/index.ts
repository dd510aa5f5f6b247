export {
  AUTH_HEADER_VALIDITY_MS,
  createAuthHeader,
  jobAuthMessage,
  type VerifyAuthHeaderParameters,
  verifyAuthHeader,
} from './auth.js';
export {
  type CreateNosanaClientParameters,
  createNosanaClient,
  type JobView,
  type ListJobsParameters,
  type MarketView,
  type NosanaClient,
  type PostJobParameters,
  type PostJobResult,
  type RunView,
} from './client.js';
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
