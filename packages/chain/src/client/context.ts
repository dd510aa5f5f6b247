/**
 * What every area of the client shares: the network, the connection, the wallet, sending, and reading accounts
 * (single, several, by program with filters), each read turning network failures into `CHAIN__RPC_UNREACHABLE`.
 */
import { NosanaError } from '@nosana/core';
import { base58 } from '@scure/base';
import {
  type AccountInfo,
  type Commitment,
  Connection,
  type GetProgramAccountsFilter,
  type Keypair,
  PublicKey,
  type TransactionInstruction,
} from '@solana/web3.js';
import type { ContentStore } from '../ipfs/content-store.js';
import { fetchFromGateway } from '../ipfs/gateway.js';
import { createKuboStore } from '../ipfs/kubo-store.js';
import { ACCOUNT_DISCRIMINATORS } from '../protocol/accounts.js';
import { nosTokenAddress } from '../protocol/builders.js';
import { getProgramIds, type NosanaProgramIds, type ProgramSet } from '../protocol/ids.js';
import { type NetworkConfig, resolveNetwork } from './networks.js';
import { type PriorityFee, rpc, type SendTransactionResult, sendTransaction } from './send.js';
import '../errors.js';

/** Parameters of `createNosanaClient`. */
export interface CreateNosanaClientParameters {
  /** `localnet` (default), `devnet` or `mainnet`. */
  network?: string;
  /** A custom RPC endpoint (overrides the network's). */
  rpcUrl?: string;
  wsUrl?: string;
  /** Signs transactions; read-only operations work without one. */
  wallet?: Keypair;
  /** Override the program set of the network. */
  programs?: ProgramSet;
  /** Where definitions and results are pinned and read. Default: the network's Kubo API, else its gateway (read-only). */
  ipfs?: ContentStore;
  priorityFee?: PriorityFee;
  commitment?: Commitment;
  /** Inject a connection (tests, custom transports). */
  connection?: Connection;
  /**
   * Market names (slug → address) besides those the localnet publishes, e.g. a market directory's
   * (`directoryNames`); a localnet's own names win.
   */
  marketNames?: ReadonlyMap<string, string>;
}

/** A program account as read from the RPC. */
export interface ProgramAccount {
  pubkey: PublicKey;
  account: AccountInfo<Buffer>;
}

/** The shared context of the client's areas. */
export interface ClientContext {
  network: NetworkConfig;
  /** Market names given by the caller (see {@link CreateNosanaClientParameters.marketNames}). */
  marketNames?: ReadonlyMap<string, string>;
  connection: Connection;
  commitment: Commitment;
  ids: NosanaProgramIds;
  ipfs: ContentStore;
  /** The signing wallet; throws `CHAIN__WALLET_UNREADABLE` when the client has none. */
  wallet(): Keypair;
  /** Signs with the wallet (and `signers`) and sends; see `sendTransaction`. */
  send(
    instructions: TransactionInstruction[],
    signers?: Keypair[],
    alreadyDone?: () => Promise<boolean>,
  ): Promise<SendTransactionResult>;
  /** The NOS token account of `owner`. */
  ata(owner: PublicKey): PublicKey;
  /** An account, or null when there is none. */
  account(address: PublicKey): Promise<AccountInfo<Buffer> | null>;
  /** Several accounts in as few calls as possible (100 per call), in order. */
  accounts(addresses: PublicKey[]): Promise<Array<AccountInfo<Buffer> | null>>;
  /** Accounts of `program` matching every filter. */
  programAccounts(program: PublicKey, filters: GetProgramAccountsFilter[]): Promise<ProgramAccount[]>;
  /** Any other RPC call, with the same network-error handling. */
  read<T>(call: () => Promise<T>): Promise<T>;
}

/** A `PublicKey` from a key or its base58 text. */
export const pk = (value: PublicKey | string) => (typeof value === 'string' ? new PublicKey(value) : value);

/** A `memcmp` filter on raw account bytes. */
export const memcmp = (offset: number, bytes: Uint8Array): GetProgramAccountsFilter => ({
  memcmp: { offset, bytes: base58.encode(bytes) },
});

/** A filter on an account's Anchor discriminator. */
export const discriminator = (name: keyof typeof ACCOUNT_DISCRIMINATORS) =>
  memcmp(0, ACCOUNT_DISCRIMINATORS[name]);

/**
 * The client context of `parameters`: resolves the network, creates the connection and the content store.
 * Nothing is sent or read here.
 *
 * @example
 * ```ts
 * const context = createClientContext({ network: 'localnet' });
 * const info = await context.account(address);
 * ```
 */
export function createClientContext(parameters: CreateNosanaClientParameters = {}): ClientContext {
  const network: NetworkConfig = resolveNetwork({
    ...(parameters.network ? { network: parameters.network } : {}),
    ...(parameters.rpcUrl ? { rpcUrl: parameters.rpcUrl } : {}),
    ...(parameters.wsUrl ? { wsUrl: parameters.wsUrl } : {}),
  });
  const commitment = parameters.commitment ?? 'confirmed';
  const connection =
    parameters.connection ??
    new Connection(network.rpcUrl, { commitment, ...(network.wsUrl ? { wsEndpoint: network.wsUrl } : {}) });
  const ids = getProgramIds(parameters.programs ?? network.programs);
  const wallet = () => {
    if (!parameters.wallet)
      throw new NosanaError(
        'CHAIN__WALLET_UNREADABLE',
        'this operation signs a transaction: configure a wallet',
        {
          path: '',
        },
      );
    return parameters.wallet;
  };
  const read = <T>(call: () => Promise<T>) => rpc(connection, call);
  return {
    network,
    ...(parameters.marketNames ? { marketNames: parameters.marketNames } : {}),
    connection,
    commitment,
    ids,
    ipfs: parameters.ipfs ?? defaultContentStore(network),
    wallet,
    send: (instructions, signers = [], alreadyDone) =>
      sendTransaction({
        connection,
        payer: wallet(),
        signers,
        instructions,
        ...(parameters.priorityFee ? { priorityFee: parameters.priorityFee } : {}),
        ...(alreadyDone ? { alreadyDone } : {}),
      }),
    ata: (owner) => nosTokenAddress(owner, ids),
    read,
    account: (address) => read(() => connection.getAccountInfo(address, commitment)),
    accounts: async (addresses) => {
      const chunks: PublicKey[][] = [];
      for (let i = 0; i < addresses.length; i += 100) chunks.push(addresses.slice(i, i + 100));
      const found = await Promise.all(
        chunks.map((chunk) => read(() => connection.getMultipleAccountsInfo(chunk, commitment))),
      );
      return found.flat();
    },
    programAccounts: async (program, filters) => [
      ...(await read(() => connection.getProgramAccounts(program, { commitment, filters }))),
    ],
  };
}

/** The network's Kubo API when it has one, else its gateway (read-only: pinning throws a clear error). */
function defaultContentStore(network: NetworkConfig): ContentStore {
  if (network.ipfs.apiUrl) return createKuboStore({ url: network.ipfs.apiUrl });
  return {
    name: `gateway ${network.ipfs.gatewayUrl}`,
    putBytes: () => {
      throw new NosanaError(
        'CHAIN__IPFS_UNREACHABLE',
        `no IPFS pinning service is configured for ${network.name} — configure Kubo or Pinata`,
        { url: network.ipfs.gatewayUrl },
      );
    },
    getBytes: (cid, options) => fetchFromGateway({ gateway: network.ipfs.gatewayUrl, cid, ...options }),
  };
}

/** The private part of web3.js's `Connection` that {@link closeConnection} needs. */
interface ConnectionWebSocket {
  setAutoReconnect?(on: boolean): void;
  reconnect_timer_id?: ReturnType<typeof setTimeout>;
  close(code?: number): void;
}

/**
 * The WebSocket client inside a web3.js `Connection`. web3.js (1.x) has no public way to close it: it reconnects
 * forever (rpc-websockets with unlimited retries), even after the server is gone, which keeps a process alive.
 * So this reads the private `_rpcWebSocket` field; `context.test.ts` fails loudly if a web3.js upgrade moves it.
 */
export function connectionWebSocket(connection: Connection): ConnectionWebSocket | undefined {
  return (connection as unknown as { _rpcWebSocket?: ConnectionWebSocket })._rpcWebSocket;
}

/**
 * Closes a connection's WebSocket for good: reconnection is turned off first, then the socket is closed.
 *
 * @example
 * ```ts
 * closeConnection(connection); // the process can exit
 * ```
 */
export function closeConnection(connection: Connection): void {
  const ws = connectionWebSocket(connection);
  if (!ws) return;
  ws.setAutoReconnect?.(false);
  clearTimeout(ws.reconnect_timer_id);
  try {
    ws.close(1000);
  } catch {
    // Not connected: nothing to close.
  }
}
