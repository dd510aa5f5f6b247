export {
  AUTH_HEADER_VALIDITY_MS,
  createAuthHeader,
  jobAuthMessage,
  type VerifyAuthHeaderParameters,
  verifyAuthHeader,
} from './auth.js';
export {
  type AirdropParameters,
  type BalancesResult,
  type ClaimRewardsParameters,
  type ClaimRewardsResult,
  type CloseMarketParameters,
  type CloseMarketResult,
  type CreateNosanaClientParameters,
  type CreateStakeParameters,
  createNosanaClient,
  type EnterRewardsResult,
  type FinishRunParameters,
  type GetJobOptions,
  type JobsProgramChange,
  type JobView,
  type ListJobsParameters,
  type MarketView,
  type NosanaClient,
  type OpenMarketResult,
  type PostJobParameters,
  type PostJobResult,
  type RewardPoolView,
  type RewardsView,
  type RunView,
  type StakeDuration,
  type StakeTransactionResult,
  type StakeUnstakeResult,
  type StakeView,
  type StakeWithdrawResult,
  type UpdateMarketResult,
  type WaitForJobOptions,
  type WaitForRunOptions,
} from './client.js';
export { closeConnection } from './context.js';
export {
  type CallLocalnetRpcOptions,
  callLocalnetRpc,
  type LocalnetInfoResult,
  type LocalnetMarketInfo,
  type LocalnetRpcMethod,
  type LocalnetRpcMethods,
  type LocalnetRpcParams,
  type LocalnetRpcResult,
  type LocalnetServices,
} from './localnet-rpc.js';
export {
  directoryNames,
  type FetchMarketDirectoryParameters,
  fetchMarketDirectory,
  MAX_DIRECTORY_BYTES,
  MAX_DIRECTORY_MARKETS,
  type MarketDirectory,
  type MarketDirectoryEntry,
  type ParseMarketDirectoryParameters,
  type ParseMarketDirectoryResult,
  parseMarketDirectory,
  VENDOR_MARKET_DIRECTORY_URLS,
} from './market-directory.js';
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
  isNetworkError,
  type PriorityFee,
  rpc,
  type SendTransactionParameters,
  type SendTransactionResult,
  sendTransaction,
} from './send.js';
export { SECONDS_PER_DAY } from './staking.js';
export { type WaitClock, type WaitSubscribe, type WaitUntilOptions, waitUntil } from './wait.js';
export {
  DEFAULT_WALLET_PATH,
  type LoadWalletParameters,
  type LoadWalletResult,
  loadWallet,
  walletIsExposed,
} from './wallet.js';
