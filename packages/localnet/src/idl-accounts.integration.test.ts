import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnchorProvider, Program, Wallet } from '@coral-xyz/anchor';
import { getProgramIds } from '@nosana/chain';
import { Connection, Keypair } from '@solana/web3.js';
import { afterAll, describe, expect, it } from 'vitest';
import { idlAccountAddress } from './idl-accounts.js';
import { startLocalnet } from './localnet.js';
import { Bank } from './solana/bank.js';

const ids = getProgramIds('mainnet');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const provider = (rpcUrl: string) =>
  new AnchorProvider(new Connection(rpcUrl, 'confirmed'), new Wallet(Keypair.generate()), {
    commitment: 'confirmed',
  });

describe('IDL accounts', () => {
  it('are found by the Anchor in the repository (0.30+) and hold the legacy JSON', async () => {
    await using localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
    const idl = (await Program.fetchIdl(ids.jobs, provider(localnet.rpcUrl))) as unknown as {
      name: string;
      metadata: { address: string };
      instructions: Array<{ name: string }>;
    };
    expect(idl.name).toBe('nosana_jobs');
    expect(idl.metadata.address).toBe(ids.jobs.toBase58());
    expect(idl.instructions.map((ix) => ix.name)).toContain('quitAdmin');
    const pools = (await Program.fetchIdl(ids.pools, provider(localnet.rpcUrl))) as unknown as {
      name: string;
      metadata: { address: string };
      instructions: Array<{ name: string }>;
    };
    expect(pools.name).toBe('nosana_pools');
    expect(pools.metadata.address).toBe(ids.pools.toBase58());
    expect(pools.instructions.map((ix) => ix.name)).toContain('claimFee');
  });

  it('are added to a ledger saved before they existed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nosana-idl-'));
    dirs.push(dataDir);
    const first = await startLocalnet({ dataDir, rpcPort: 0, ipfsPort: 0 });
    await first.close();
    // Make the saved ledger an older one: without the IDL accounts.
    const ledger = join(dataDir, 'ledger');
    const old = Bank.load(ledger);
    const addresses = await Promise.all(
      [ids.jobs, ids.staking, ids.rewards, ids.pools].map(idlAccountAddress),
    );
    for (const address of addresses)
      old?.setAccount(address, {
        lamports: 0n,
        owner: '11111111111111111111111111111111',
        data: new Uint8Array(0),
        executable: false,
      });
    old?.save(ledger);
    const reopened = Bank.load(ledger);
    for (const address of addresses) expect(reopened?.getAccount(address)?.data.length ?? 0).toBe(0);

    await using localnet = await startLocalnet({ dataDir, rpcPort: 0, ipfsPort: 0 });
    const staking = (await Program.fetchIdl(ids.staking, provider(localnet.rpcUrl))) as unknown as {
      name: string;
    };
    expect(staking.name).toBe('nosana_staking');
    for (const address of addresses)
      expect(localnet.bank.getAccount(address)?.owner).not.toBe('11111111111111111111111111111111');
  });
});
