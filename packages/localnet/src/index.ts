/**
 * `@nosana/localnet` — the embedded Nosana network: a Solana JSON-RPC + WebSocket server over litesvm with the
 * Nosana Jobs, Staking, Rewards and Pools programs emulated at their real program ids, a NOS faucet, genesis
 * markets and a genesis rewards pool.
 *
 * @packageDocumentation
 */
export {
  airdropNos,
  faucetKeypair,
  type GenesisMarket,
  type LocalnetInfo,
  MAX_FAUCET_NOS,
  marketAuthorityKeypair,
} from './genesis.js';
export {
  DEFAULT_REWARDS_EMISSION,
  DEFAULT_REWARDS_POOL_FUNDING,
  GENESIS_REFLECTION_XNOS,
  type GenesisOptions,
  rewardsPoolAuthorityKeypair,
  rewardsPoolKeypair,
} from './genesis-rewards.js';
export {
  encodeIdlAccount,
  idlAccountAddress,
  type LegacyIdl,
  type SpecIdl,
  toLegacyIdl,
  type WriteIdlAccountsParameters,
  type WriteIdlAccountsResult,
  writeIdlAccounts,
} from './idl-accounts.js';
export {
  DEFAULT_LOCALNET_DIR,
  type Localnet,
  type StartLocalnetParameters,
  startLocalnet,
} from './localnet.js';
export { createJobsProgram, type JobsProgramOptions } from './programs/jobs.js';
export { createPoolsProgram } from './programs/pools.js';
export { createRewardsProgram } from './programs/rewards.js';
export { createStakingProgram } from './programs/staking.js';
export { LOCALNET_MALLOC_ENV, localnetServerEnv } from './server-env.js';
export {
  type AccountRecord,
  Bank,
  type BankOptions,
  type CommitEvent,
  type ProcessResult,
  type TransactionStatus,
} from './solana/bank.js';
export {
  type AccountState,
  anchorError,
  type EmulatedProgram,
  type InstructionContext,
  ProgramFailure,
} from './solana/emulation.js';
export { createRpcHandler, type LocalnetExtensions, RpcError } from './solana/rpc.js';
export {
  type RpcCallListener,
  type RpcServer,
  type StartRpcServerParameters,
  startRpcServer,
} from './solana/server.js';
