import type { NosanaClient } from '@nosana/chain';
import type { Keypair } from '@solana/web3.js';
import { NosanaCommand } from './base-command.js';
import {
  type Connection,
  type ConnectParameters,
  connect,
  type NetworkFlags,
  networkFlags,
} from './network.js';

/**
 * A command that talks to a network: `--network`, `--rpc`, `--wallet`, `--ipfs`, and a client that is closed when
 * the command ends (web3.js would otherwise keep the process alive with its WebSocket).
 */
export abstract class NetworkCommand<T> extends NosanaCommand<T> {
  static override baseFlags = { ...NosanaCommand.baseFlags, ...networkFlags };

  private readonly clients: NosanaClient[] = [];
  /** The wallet of the last {@link NetworkCommand.client} call that loaded one. */
  protected wallet: Connection['wallet'];
  /** The network's stored market directory, after a {@link NetworkCommand.client} call (`nosana market sync`). */
  protected directory: Connection['directory'];

  /** The client for the parsed network flags. */
  protected async client(flags: NetworkFlags, options?: ConnectParameters): Promise<NosanaClient> {
    const { client, wallet, directory, directoryProblem } = await connect(flags, options);
    if (directoryProblem) this.warnUser(directoryProblem);
    this.directory = directory;
    if (wallet?.created)
      this.warnUser(`created a new wallet at ${wallet.path} (keep it safe: it holds your keys)`);
    if (wallet) this.wallet = wallet;
    this.clients.push(client);
    return client;
  }

  /** The wallet's keypair (after a {@link NetworkCommand.client} call that loaded it). */
  protected async keypair(): Promise<Keypair> {
    if (!this.wallet) {
      const { NosanaError } = await import('@nosana/core');
      throw new NosanaError(
        'CLI__WALLET_NOT_LOADED',
        'this command read the wallet before loading it — please report this bug',
        {},
      );
    }
    return this.wallet.keypair;
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    await Promise.all(this.clients.map(settleWebSocket));
    for (const client of this.clients) client.close();
    return super.finally(error);
  }
}

type SocketLike = {
  readyState?: number;
  addEventListener?(
    event: 'open' | 'error' | 'close',
    listener: () => void,
    options: { once: boolean },
  ): void;
};

/**
 * Waits until web3.js's WebSocket (opened for confirmations) is no longer connecting: closing it while it connects
 * makes web3.js print `ws error: WebSocket was closed before the connection was established` after the command's
 * own output. Bounded, so a server that never answers the upgrade cannot hold the command.
 */
async function settleWebSocket(client: NosanaClient): Promise<void> {
  const rpc = (client.connection as unknown as { _rpcWebSocket?: { socket?: SocketLike } })._rpcWebSocket;
  const socket = rpc?.socket;
  if (socket?.readyState !== 0 || !socket.addEventListener) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    for (const event of ['open', 'error', 'close'] as const)
      socket.addEventListener?.(event, done, { once: true });
  });
}
