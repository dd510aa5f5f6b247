import { NosanaError } from '@nosana/core';
import type { ProgramSet } from '../protocol/program-addresses.js';
import '../errors.js';

/** Known networks. */
export type NetworkName = 'localnet' | 'devnet' | 'mainnet';

/** Where a network lives and which programs it runs. */
export interface NetworkConfig {
  name: NetworkName | 'custom';
  rpcUrl: string;
  /** WebSocket endpoint; default: derived from the RPC URL like web3.js does. */
  wsUrl?: string;
  programs: ProgramSet;
  /** IPFS: a Kubo RPC API to pin with, and a gateway to read from. */
  ipfs: { apiUrl?: string; gatewayUrl: string };
  /** Explorer base URL for links. */
  explorer?: string;
}

/** The built-in networks. `localnet` is the embedded network (`nosana localnet start`). */
export const NETWORKS: Record<NetworkName, NetworkConfig> = {
  localnet: {
    name: 'localnet',
    rpcUrl: 'http://127.0.0.1:8899',
    wsUrl: 'ws://127.0.0.1:8900',
    programs: 'mainnet',
    ipfs: { apiUrl: 'http://127.0.0.1:5001', gatewayUrl: 'http://127.0.0.1:5001' },
  },
  devnet: {
    name: 'devnet',
    rpcUrl: 'https://api.devnet.solana.com',
    programs: 'devnet',
    ipfs: { gatewayUrl: 'https://nosana.mypinata.cloud' },
    explorer: 'https://explore.nosana.com',
  },
  mainnet: {
    name: 'mainnet',
    rpcUrl: 'https://api.mainnet-beta.solana.com',
    programs: 'mainnet',
    ipfs: { gatewayUrl: 'https://nosana.mypinata.cloud' },
    explorer: 'https://explore.nosana.com',
  },
};

/** Parameters of {@link resolveNetwork}. */
export interface ResolveNetworkParameters {
  network?: string;
  /** A custom RPC URL: overrides the network's. */
  rpcUrl?: string;
  wsUrl?: string;
  ipfsApiUrl?: string;
  ipfsGatewayUrl?: string;
}

/**
 * The configuration of a network by name, with overrides.
 *
 * @example
 * ```ts
 * resolveNetwork({ network: 'devnet', rpcUrl: 'https://my-rpc.example.com' });
 * ```
 */
export function resolveNetwork({
  network = 'localnet',
  rpcUrl,
  wsUrl,
  ipfsApiUrl,
  ipfsGatewayUrl,
}: ResolveNetworkParameters = {}): NetworkConfig {
  const base = NETWORKS[network as NetworkName];
  if (!base) {
    throw new NosanaError(
      'CHAIN__NETWORK_UNKNOWN',
      `unknown network "${network}" — use localnet, devnet or mainnet (and --rpc for a custom endpoint)`,
      {
        network,
      },
    );
  }
  const config: NetworkConfig = { ...base, ipfs: { ...base.ipfs } };
  if (rpcUrl) {
    config.rpcUrl = rpcUrl;
    // A custom RPC URL has its own WebSocket (derived by web3.js) unless one is given.
    delete config.wsUrl;
  }
  if (wsUrl) config.wsUrl = wsUrl;
  if (ipfsApiUrl) config.ipfs.apiUrl = ipfsApiUrl;
  if (ipfsGatewayUrl) config.ipfs.gatewayUrl = ipfsGatewayUrl;
  return config;
}
