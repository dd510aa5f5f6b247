/**
 * Balances, token transfers, faucets, and the funds check done before sending anything that costs.
 */
import { NosanaError } from '@nosana/core';
import type { PublicKey } from '@solana/web3.js';
import { FEE_RESERVE_LAMPORTS } from '../protocol/constants.js';
import { type ClientContext, pk } from './context.js';
import { callLocalnetRpc } from './localnet-rpc.js';
import '../errors.js';
import { splToken, tokenAccountAmount, tokenAccountInstruction } from '../protocol/token.js';

/** SOL (lamports) and NOS (base units) of an address. */
export interface BalancesResult {
  sol: bigint;
  nos: bigint;
}

/** Parameters of `airdrop`. */
export interface AirdropParameters {
  /** Lamports. */
  sol?: bigint;
  /** NOS base units (NOS × 10⁶). */
  nos?: bigint;
  /** Default the wallet. */
  to?: PublicKey | string;
}

/** The funds area of the client: balances, the funds check, NOS transfers and faucets. */
export function createFunds(ctx: ClientContext) {
  const { connection, commitment, network, ids, ata } = ctx;
  const tokenBalance = async (address: PublicKey) => {
    const info = await ctx.account(address);
    return tokenAccountAmount(info?.data);
  };

  /**
   * SOL (lamports) and NOS (base units) of an address, default the wallet.
   *
   * @example
   * ```ts
   * const { sol, nos } = await client.balances();
   * ```
   */
  const balances = async (address: PublicKey | string = ctx.wallet().publicKey): Promise<BalancesResult> => {
    const key = pk(address);
    const [sol, nos] = await Promise.all([
      ctx.read(() => connection.getBalance(key, commitment)),
      tokenBalance(ata(key)),
    ]);
    return { sol: BigInt(sol), nos };
  };

  const faucetHint = network.name === 'localnet' ? ' (nosana wallet airdrop)' : '';
  /**
   * Fails with a clear error, before anything is sent, when SOL (fees + the rent of new accounts of `spaces` bytes)
   * or NOS is missing.
   */
  const requireFunds = async (owner: PublicKey, nos: bigint, spaces: number[]) => {
    const { sol, nos: available } = await balances(owner);
    const rents = await Promise.all(
      spaces.map((space) => ctx.read(() => connection.getMinimumBalanceForRentExemption(space))),
    );
    const needSol = rents.reduce((sum, lamports) => sum + BigInt(lamports), 0n) + FEE_RESERVE_LAMPORTS;
    const context = (required: bigint, have: bigint) => ({
      address: owner.toBase58(),
      required: required.toString(),
      available: have.toString(),
    });
    if (sol < needSol) {
      throw new NosanaError(
        'CHAIN__INSUFFICIENT_SOL',
        `${owner.toBase58()} has ${sol} lamports; fees and rent need ${needSol} — fund it with SOL${faucetHint}`,
        context(needSol, sol),
      );
    }
    if (available < nos) {
      throw new NosanaError(
        'CHAIN__INSUFFICIENT_NOS',
        `${owner.toBase58()} has ${available} NOS base units; this needs ${nos} — fund it with NOS${faucetHint}`,
        context(nos, available),
      );
    }
  };

  const tokens = {
    ata,
    /** Sends NOS (base units) to `to`, creating its token account when needed. */
    async transferNos(to: PublicKey | string, amount: bigint): Promise<{ signature: string }> {
      const from = ctx.wallet();
      const target = pk(to);
      await requireFunds(from.publicKey, amount, []);
      const { createTransferInstruction } = await splToken();
      return ctx.send([
        await tokenAccountInstruction(from.publicKey, ata(target), target, ids.nosMint),
        createTransferInstruction(ata(from.publicKey), ata(target), from.publicKey, amount),
      ]);
    },
  };

  /**
   * Funds an address from the network's faucets: SOL on localnet and devnet (`requestAirdrop`), NOS on localnet
   * (its `localnet_airdropNos` method). Amounts in base units (lamports, NOS × 10⁶).
   *
   * @example
   * ```ts
   * await client.airdrop({ sol: 2_000_000_000n, nos: 1_000_000_000n });
   * ```
   */
  const airdrop = async ({
    sol = 0n,
    nos = 0n,
    to = ctx.wallet().publicKey,
  }: AirdropParameters): Promise<{ signatures: string[] }> => {
    const target = pk(to);
    const unavailable = (token: 'SOL' | 'NOS') =>
      new NosanaError(
        'CHAIN__AIRDROP_UNAVAILABLE',
        `${network.name} has no ${token} faucet${token === 'NOS' ? ': NOS can be airdropped on localnet only — buy or transfer NOS' : ': SOL can be airdropped on localnet and devnet only'}`,
        { network: network.name, token },
      );
    if (sol > 0n && network.name !== 'localnet' && network.name !== 'devnet') throw unavailable('SOL');
    if (nos > 0n && network.name !== 'localnet') throw unavailable('NOS');
    const signatures: string[] = [];
    if (sol > 0n) {
      const signature = await ctx.read(() => connection.requestAirdrop(target, Number(sol)));
      await ctx.read(() => connection.confirmTransaction(signature, commitment));
      signatures.push(signature);
    }
    if (nos > 0n) {
      signatures.push(
        await callLocalnetRpc(network.rpcUrl, 'localnet_airdropNos', [target.toBase58(), nos.toString()]),
      );
    }
    return { signatures };
  };

  return { balances, requireFunds, tokens, airdrop };
}

/** The funds area (see {@link createFunds}). */
export type Funds = ReturnType<typeof createFunds>;
