/**
 * Test helpers over a running localnet (`@nosana/localnet/testing`): funded chain clients ("actors") and the
 * localnet's clock. Used by the tests of every package that needs posters and hosts; not for production use.
 *
 * @packageDocumentation
 */
import { callLocalnetRpc, createKuboStore, createNosanaClient, type NosanaClient } from '@nosana/chain';
import { Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';
import type { Localnet } from './localnet.js';

/** Funded clients of one localnet, closed together. */
export interface LocalnetActors {
  /** A client with a fresh (or the given) key, 10 SOL and `nos` NOS base units. */
  actor(nos?: bigint, key?: Keypair): NosanaClient;
  /** Moves the localnet's clock forward. */
  advanceClock(seconds: number): Promise<void>;
  /** Closes every client made so far. */
  close(): void;
}

/**
 * Makes funded clients of `localnet` (airdrops straight into its bank: no transaction, no waiting).
 *
 * @example
 * ```ts
 * const actors = createLocalnetActors(localnet);
 * const poster = actors.actor(100n * 1_000_000n);
 * await poster.jobs.post({ definition, market: 'cpu', timeout: 600 });
 * actors.close();
 * ```
 */
export function createLocalnetActors(localnet: Localnet): LocalnetActors {
  const clients: NosanaClient[] = [];
  return {
    actor(nos = 0n, key = Keypair.generate()) {
      localnet.bank.airdrop(key.publicKey.toBase58(), 10n * BigInt(LAMPORTS_PER_SOL));
      if (nos > 0n) localnet.airdropNos(key.publicKey.toBase58(), nos);
      const client = createNosanaClient({
        network: 'localnet',
        rpcUrl: localnet.rpcUrl,
        wsUrl: localnet.wsUrl,
        wallet: key,
        ipfs: createKuboStore({ url: localnet.ipfsApiUrl }),
      });
      clients.push(client);
      return client;
    },
    async advanceClock(seconds) {
      await callLocalnetRpc(localnet.rpcUrl, 'localnet_advanceClock', [seconds]);
    },
    close() {
      for (const client of clients.splice(0)) client.close();
    },
  };
}
