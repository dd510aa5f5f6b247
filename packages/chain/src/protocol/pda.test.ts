import { PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { getProgramIds } from './ids.js';
import {
  marketVaultAddress,
  rewardsReflectionAddress,
  rewardsVaultAddress,
  stakeAddress,
  stakeVaultAddress,
} from './pda.js';

describe('program derived addresses (seeds from nosana-programs)', () => {
  const ids = getProgramIds('mainnet');
  const market = new PublicKey('7AtiXMSH6R1jjBxrcYjehCkkSF7zvYWte63gwEDBcGHq');
  const node = new PublicKey('9iHMcqGTSr4ZxeUDxMSKzA84D6a7Xxh9MMy46UKSVs1j');
  const find = (seeds: Array<Buffer | Uint8Array>, program: PublicKey) =>
    PublicKey.findProgramAddressSync(seeds, program)[0].toBase58();

  it('derives each address from the documented seeds and program', () => {
    expect(marketVaultAddress(market, ids).address.toBase58()).toBe(
      find([market.toBuffer(), ids.nosMint.toBuffer()], ids.jobs),
    );
    expect(stakeAddress(node, ids).address.toBase58()).toBe(
      find([Buffer.from('stake'), ids.nosMint.toBuffer(), node.toBuffer()], ids.staking),
    );
    expect(stakeVaultAddress(node, ids).address.toBase58()).toBe(
      find([Buffer.from('vault'), ids.nosMint.toBuffer(), node.toBuffer()], ids.staking),
    );
    expect(rewardsReflectionAddress(ids).address.toBase58()).toBe(
      find([Buffer.from('reflection')], ids.rewards),
    );
    expect(rewardsVaultAddress(ids).address.toBase58()).toBe(find([ids.nosMint.toBuffer()], ids.rewards));
  });

  it('depends on the program set: devnet has its own jobs program and mint', () => {
    const devnet = getProgramIds('devnet');
    expect(devnet.jobs.toBase58()).toBe('nosJTmGQxvwXy23vng5UjkTbfv91Bzf9jEuro78dAGR');
    expect(devnet.nosMint.toBase58()).toBe('devr1BGQndEW5k5zfvG5FsLyZv1Ap73vNgAHcQ9sUVP');
    expect(marketVaultAddress(market, devnet).address.equals(marketVaultAddress(market, ids).address)).toBe(
      false,
    );
    expect(stakeAddress(node).address.equals(stakeAddress(node, ids).address)).toBe(true);
  });
});
