/**
 * The flags every command that talks to a network shares, and the client they configure. Heavy modules
 * (@nosana/chain, web3.js) are imported only when a command connects.
 */
import type { MarketDirectory, NosanaClient } from '@nosana/chain';
import { Flags } from '@oclif/core';
import type { Keypair } from '@solana/web3.js';

export const networkFlags = {
  network: Flags.string({
    char: 'n',
    summary: 'network to use',
    description: 'localnet is the embedded network (`nosana localnet start`).',
    options: ['localnet', 'devnet', 'mainnet'],
    default: 'localnet',
    env: 'NOSANA_NETWORK',
    helpGroup: 'NETWORK',
  }),
  rpc: Flags.string({
    summary: 'custom Solana RPC URL (overrides the network’s)',
    env: 'NOSANA_RPC',
    helpGroup: 'NETWORK',
  }),
  wallet: Flags.string({
    char: 'w',
    summary: 'keypair file (a JSON array of 64 bytes, as solana-keygen writes)',
    description: 'Default ~/.nosana/nosana_key.json, created (mode 0600) on first use.',
    env: 'NOSANA_WALLET',
    helpGroup: 'NETWORK',
  }),
  ipfs: Flags.string({
    summary: 'Kubo RPC API used to pin job definitions and results',
    description:
      'Default: the localnet’s (http://127.0.0.1:5001); on devnet/mainnet a Pinata JWT in PINATA_JWT.',
    env: 'NOSANA_IPFS_API',
    helpGroup: 'NETWORK',
  }),
};

export interface NetworkFlags {
  network: string;
  rpc?: string;
  wallet?: string;
  ipfs?: string;
}

/** Parameters of {@link connect}. */
export interface ConnectParameters {
  /** Whether a wallet is loaded: `create` makes one when the file is missing, `read` requires it, `none` skips it. */
  wallet?: 'create' | 'read' | 'none';
}

/** A client for the flags' network, and what the command may want to say about it. */
export interface Connection {
  client: NosanaClient;
  /** The wallet loaded (none with `wallet: 'none'`). */
  wallet?: { keypair: Keypair; path: string; created: boolean };
  /** The network's market directory, when one was stored (`nosana market sync`): names, GPU lists, images. */
  directory?: MarketDirectory;
  /** Why a stored directory was ignored. */
  directoryProblem?: string;
}

/**
 * Creates the client a command uses.
 *
 * @example
 * ```ts
 * const { client } = await connect(flags, { wallet: 'read' });
 * ```
 */
export async function connect(
  flags: NetworkFlags,
  { wallet = 'create' }: ConnectParameters = {},
): Promise<Connection> {
  const chain = await import('@nosana/chain');
  const network = chain.resolveNetwork({
    network: flags.network,
    ...(flags.rpc ? { rpcUrl: flags.rpc } : {}),
    ...(flags.ipfs ? { ipfsApiUrl: flags.ipfs } : {}),
  });
  const loaded =
    wallet === 'none'
      ? undefined
      : chain.loadWallet({ ...(flags.wallet ? { path: flags.wallet } : {}), create: wallet === 'create' });
  const pinataJwt = process.env.PINATA_JWT;
  const ipfs = network.ipfs.apiUrl
    ? chain.createKuboStore({ url: network.ipfs.apiUrl })
    : pinataJwt
      ? chain.createPinataStore({ jwt: pinataJwt, gateway: network.ipfs.gatewayUrl })
      : undefined;
  const { loadDirectory } = await import('./market-directory.js');
  const { directory, problem } = await loadDirectory(flags.network);
  const client = chain.createNosanaClient({
    network: flags.network,
    ...(directory ? { marketNames: chain.directoryNames(directory) } : {}),
    rpcUrl: network.rpcUrl,
    ...(network.wsUrl ? { wsUrl: network.wsUrl } : {}),
    ...(loaded ? { wallet: loaded.keypair } : {}),
    ...(ipfs ? { ipfs } : {}),
  });
  return {
    client,
    ...(loaded ? { wallet: loaded } : {}),
    ...(directory ? { directory } : {}),
    ...(problem ? { directoryProblem: problem } : {}),
  };
}
