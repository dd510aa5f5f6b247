// Anchor 0.28 clients (the published @nosana/sdk 0.4.x among them) fetch the IDL from the chain before they
// decode accounts or build instructions: this checks that the localnet serves it the way mainnet does.
import { getProgramIds } from '@nosana/chain';
import { type Localnet, startLocalnet } from '@nosana/localnet';
import { Connection, Keypair, PublicKey } from '@solana/web3.js';
import { AnchorProvider, type Idl, Program, Wallet } from 'anchor028';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let localnet: Localnet;
let provider: AnchorProvider;

beforeAll(async () => {
  localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
  const connection = new Connection(localnet.rpcUrl, 'confirmed');
  provider = new AnchorProvider(connection, new Wallet(Keypair.generate()), { commitment: 'confirmed' });
});
afterAll(async () => {
  await localnet.close();
});

describe('Anchor 0.28 Program.fetchIdl on the localnet', () => {
  const ids = getProgramIds('mainnet');

  it.each([
    ['jobs', 'nosana_jobs'],
    ['staking', 'nosana_staking'],
    ['rewards', 'nosana_rewards'],
  ] as const)('finds the %s IDL', async (program, name) => {
    const idl = await Program.fetchIdl(ids[program], provider);
    expect(idl?.name).toBe(name);
    expect(idl?.instructions.length).toBeGreaterThan(0);
  });

  it('builds a Program that decodes the genesis markets and encodes a Jobs instruction', async () => {
    const idl = (await Program.fetchIdl(ids.jobs, provider)) as Idl;
    const program = new Program(idl, ids.jobs, provider);
    const markets = await program.account.marketAccount.all();
    const addresses = markets.map((market) => market.publicKey.toBase58()).sort();
    expect(addresses).toEqual(localnet.markets.map((market) => market.address).sort());
    const cpu = localnet.markets.find((market) => market.name === 'cpu');
    const market = (await program.account.marketAccount.fetch(new PublicKey(cpu!.address))) as {
      jobPrice: { toString(): string };
      jobTimeout: { toNumber(): number };
      authority: PublicKey;
    };
    expect(market.jobPrice.toString()).toBe(cpu!.jobPrice);
    expect(market.jobTimeout.toNumber()).toBe(cpu!.jobTimeout);
    expect(market.authority.toBase58()).toBe(localnet.marketAuthority);
    // The 0.28 coder derives the discriminator from the camelCase name: it must match the program's.
    const data = program.coder.instruction.encode('quitAdmin', {});
    expect([...data]).toEqual([103, 238, 110, 8, 182, 20, 56, 196]);
  });
});
