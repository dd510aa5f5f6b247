import {
  jobsInstruction,
  type NosanaClient,
  type NosanaProgramIds,
  nosTokenAddress,
  type PriorityFee,
  rewardsReflectionAddress,
  rewardsVaultAddress,
  sendTransaction,
} from '@nosana/chain';
import { cidToBytes32, NosanaError } from '@nosana/core';
import { type Connection, Keypair, PublicKey } from '@solana/web3.js';
import type { DeploymentChain } from './chain.js';
import type { ChainReads } from './chain-reads.js';

/** A program rejected the transaction (`CHAIN__PROGRAM_…` codes). */
const isProgramError = (error: unknown) =>
  error instanceof NosanaError && String(error.code).startsWith('CHAIN__PROGRAM_');

/** Parameters of {@link createChainWrites}. */
export interface CreateChainWritesParameters {
  client: NosanaClient;
  connection: Connection;
  wallet: Keypair;
  ids: NosanaProgramIds;
  /** Reads a job back: what makes every write idempotent. */
  job: ChainReads['job'];
  priorityFee?: PriorityFee;
}

/** The chain adapter's writes. */
export type ChainWrites = Pick<DeploymentChain, 'list' | 'extend' | 'stop'>;

/**
 * The sends of the chain adapter: LIST with the manager's recorded job keypair, EXTEND to an absolute timeout, STOP
 * of whatever state the job is in; each returns without sending when its effect is already there, and treats a
 * program's rejection as success when a copy sent before a crash landed first.
 *
 * @example
 * ```ts
 * const { job } = createChainReads({ connection, ids });
 * const writes = createChainWrites({ client, connection, wallet, ids, job });
 * await writes.extend({ job: address, timeout: 7200 });
 * ```
 */
export function createChainWrites({
  client,
  connection,
  wallet,
  ids,
  job,
  priorityFee,
}: CreateChainWritesParameters): ChainWrites {
  const ata = (owner: PublicKey) => nosTokenAddress(owner, ids);
  const send = (
    instructions: Parameters<typeof sendTransaction>[0]['instructions'],
    signers: Keypair[],
    alreadyDone: () => Promise<boolean>,
  ) =>
    sendTransaction({
      connection,
      payer: wallet,
      signers,
      instructions,
      alreadyDone,
      ...(priorityFee ? { priorityFee } : {}),
    });
  const common = (market: { address: PublicKey; vault: PublicKey }) => ({
    market: market.address,
    vault: market.vault,
    payer: wallet.publicKey,
    authority: wallet.publicKey,
    rewardsReflection: rewardsReflectionAddress(ids).address,
    rewardsVault: rewardsVaultAddress(ids).address,
    rewardsProgram: ids.rewards,
  });
  return {
    async list({ jobSecret, runSecret, market: marketRef, cid, timeout }) {
      const jobKey = Keypair.fromSecretKey(jobSecret);
      const run = Keypair.fromSecretKey(runSecret);
      const exists = async () => (await connection.getAccountInfo(jobKey.publicKey)) !== null;
      if (await exists()) return;
      const market = await client.markets.get(marketRef);
      const instruction = jobsInstruction(
        'list',
        { ...common(market), job: jobKey.publicKey, run: run.publicKey, user: ata(wallet.publicKey) },
        { ipfsJob: cidToBytes32(cid), timeout },
        ids.jobs,
      );
      try {
        await send([instruction], [jobKey, run], exists);
      } catch (error) {
        // A copy sent before a crash landed first: the account exists, the LIST happened once.
        if (isProgramError(error) && (await exists())) return;
        throw error;
      }
    },
    async extend({ job: address, timeout }) {
      const current = await job(address);
      if (
        !current ||
        current.timeout >= timeout ||
        (current.state !== 'QUEUED' && current.state !== 'RUNNING')
      )
        return;
      const market = await client.markets.get(current.market);
      const instruction = jobsInstruction(
        'extend',
        { ...common(market), job: new PublicKey(address), user: ata(wallet.publicKey) },
        { timeout },
        ids.jobs,
      );
      const reached = async () => ((await job(address))?.timeout ?? timeout) >= timeout;
      try {
        await send([instruction], [], reached);
      } catch (error) {
        if (isProgramError(error) && (await reached())) return;
        throw error;
      }
    },
    async stop(address) {
      const current = await job(address);
      if (!current) return;
      try {
        if (current.state === 'QUEUED' || current.state === 'RUNNING') await client.jobs.stop(address);
        else if (current.state === 'STOPPED') await client.jobs.recover(address);
      } catch (error) {
        const now = await job(address);
        if (!now || now.state === 'COMPLETED') return;
        throw error;
      }
    },
  };
}
