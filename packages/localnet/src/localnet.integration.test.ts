import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnchorProvider, type Idl, Program, Wallet } from '@coral-xyz/anchor';
import {
  callLocalnetRpc,
  closeConnection,
  marketVaultAddress,
  NOSANA_JOBS_IDL,
  stakeAddress,
  stakeVaultAddress,
  stakingInstruction,
} from '@nosana/chain';
import { isNosanaError } from '@nosana/core';
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createMint,
  getAccount,
  getAssociatedTokenAddressSync,
  getOrCreateAssociatedTokenAccount,
  mintTo,
  TOKEN_PROGRAM_ID,
  transfer,
} from '@solana/spl-token';
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SendTransactionError,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type Localnet, startLocalnet } from './localnet.js';

let localnet: Localnet;
let connection: Connection;
const connections: Connection[] = [];

function connect(net: Localnet): Connection {
  const c = new Connection(net.rpcUrl, { wsEndpoint: net.wsUrl, commitment: 'confirmed' });
  connections.push(c);
  return c;
}

async function funded(sol = 10): Promise<Keypair> {
  const key = Keypair.generate();
  const signature = await connection.requestAirdrop(key.publicKey, sol * LAMPORTS_PER_SOL);
  await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) });
  return key;
}

beforeAll(async () => {
  localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
  connection = connect(localnet);
});

afterAll(async () => {
  // web3.js keeps reconnecting its WebSocket forever; close it before the server goes away.
  for (const c of connections) closeConnection(c);
  await localnet.close();
});

describe('localnet JSON-RPC with an unmodified @solana/web3.js v1 client', () => {
  it('answers health, version, slots that follow the clock, and a clear error naming an unsupported method', async () => {
    expect(await (await fetch(`${localnet.rpcUrl}/health`)).text()).toBe('ok');
    expect(await connection.getVersion()).toMatchObject({ 'solana-core': expect.any(String) });
    const first = await connection.getSlot();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await connection.getSlot()).toBeGreaterThanOrEqual(first + 2);
    const response = await fetch(localnet.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getVoteAccounts' }),
    });
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: -32601,
        message: 'Method not found: getVoteAccounts is not supported by the Nosana localnet',
      },
    });
  });

  it('answers JSON-RPC batches', async () => {
    const response = await fetch(localnet.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { jsonrpc: '2.0', id: 1, method: 'getHealth' },
        { jsonrpc: '2.0', id: 2, method: 'getBalance', params: [localnet.faucet] },
      ]),
    });
    const [health, balance] = (await response.json()) as Array<{ id: number; result: unknown }>;
    expect(health).toMatchObject({ id: 1, result: 'ok' });
    expect(balance).toMatchObject({ id: 2, result: { value: expect.any(Number) } });
  });

  it('airdrops SOL and confirms sendAndConfirmTransaction through signatureSubscribe', async () => {
    const from = await funded(2);
    const to = Keypair.generate();
    expect(await connection.getBalance(from.publicKey)).toBe(2 * LAMPORTS_PER_SOL);
    const signature = await sendAndConfirmTransaction(
      connection,
      new Transaction().add(
        SystemProgram.transfer({ fromPubkey: from.publicKey, toPubkey: to.publicKey, lamports: 12_345_678 }),
      ),
      [from],
    );
    expect(await connection.getBalance(to.publicKey)).toBe(12_345_678);
    expect(await connection.getBalance(from.publicKey)).toBe(2 * LAMPORTS_PER_SOL - 12_345_678 - 5000);
    const tx = await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 });
    expect(tx?.meta).toMatchObject({
      err: null,
      fee: 5000,
      postBalances: expect.arrayContaining([12_345_678]),
    });
    expect(tx?.meta?.logMessages).toContain('Program 11111111111111111111111111111111 success');
    const [status] = (await connection.getSignatureStatuses([signature])).value;
    expect(status).toMatchObject({ err: null, confirmationStatus: 'finalized' });
    const history = await connection.getSignaturesForAddress(to.publicKey);
    expect(history.map((h) => h.signature)).toContain(signature);
  });

  it('rejects a failing transaction at preflight without charging a fee, and simulates without changing state', async () => {
    const poor = await funded(1);
    const transaction = new Transaction().add(
      SystemProgram.transfer({
        fromPubkey: poor.publicKey,
        toPubkey: Keypair.generate().publicKey,
        lamports: 5 * LAMPORTS_PER_SOL,
      }),
    );
    await expect(sendAndConfirmTransaction(connection, transaction, [poor])).rejects.toBeInstanceOf(
      SendTransactionError,
    );
    expect(await connection.getBalance(poor.publicKey)).toBe(LAMPORTS_PER_SOL);

    const to = Keypair.generate();
    const message = new TransactionMessage({
      payerKey: poor.publicKey,
      recentBlockhash: (await connection.getLatestBlockhash()).blockhash,
      instructions: [
        SystemProgram.transfer({ fromPubkey: poor.publicKey, toPubkey: to.publicKey, lamports: 1_000_000 }),
      ],
    }).compileToV0Message();
    const v0 = new VersionedTransaction(message);
    v0.sign([poor]);
    const simulation = await connection.simulateTransaction(v0, {
      accounts: { addresses: [to.publicKey.toBase58()], encoding: 'base64' },
    });
    expect(simulation.value.err).toBeNull();
    expect(simulation.value.accounts?.[0]?.lamports).toBe(1_000_000);
    expect(await connection.getBalance(to.publicKey)).toBe(0);

    const signature = await connection.sendTransaction(v0);
    await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) });
    expect(await connection.getBalance(to.publicKey)).toBe(1_000_000);
    expect((await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 }))?.version).toBe(
      0,
    );
  });

  it('runs SPL Token for real: createMint, associated accounts, mintTo, transfer, parsed accounts', async () => {
    const payer = await funded(5);
    const owner = Keypair.generate();
    const mint = await createMint(connection, payer, payer.publicKey, null, 2);
    const source = await getOrCreateAssociatedTokenAccount(connection, payer, mint, payer.publicKey);
    const target = await getOrCreateAssociatedTokenAccount(connection, payer, mint, owner.publicKey);
    await mintTo(connection, payer, mint, source.address, payer, 10_000);
    await transfer(connection, payer, source.address, target.address, payer, 2_550);
    expect((await getAccount(connection, target.address)).amount).toBe(2_550n);
    expect((await connection.getTokenAccountBalance(target.address)).value).toEqual({
      amount: '2550',
      decimals: 2,
      uiAmount: 25.5,
      uiAmountString: '25.5',
    });
    const parsed = await connection.getParsedTokenAccountsByOwner(owner.publicKey, { mint });
    expect(parsed.value[0]?.account.data.parsed.info).toMatchObject({
      mint: mint.toBase58(),
      owner: owner.publicKey.toBase58(),
      tokenAmount: { amount: '2550' },
    });
  });

  it('filters getProgramAccounts, getTokenAccountsByOwner and program subscriptions, and refuses malformed filters', async () => {
    const payer = await funded(5);
    const [alice, bob] = [Keypair.generate().publicKey, Keypair.generate().publicKey];
    const mint = await createMint(connection, payer, payer.publicKey, null, 0);
    const ofAlice = await getOrCreateAssociatedTokenAccount(connection, payer, mint, alice);
    const ofBob = await getOrCreateAssociatedTokenAccount(connection, payer, mint, bob);
    const rpc = async (method: string, params: unknown[]) => {
      const response = await fetch(localnet.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      });
      return (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
    };

    const byOwner = [
      { dataSize: 165 },
      { memcmp: { offset: 0, bytes: mint.toBase58() } },
      { memcmp: { offset: 32, bytes: alice.toBase58() } },
    ];
    const found = await connection.getProgramAccounts(TOKEN_PROGRAM_ID, { filters: byOwner });
    expect(found.map((a) => a.pubkey.toBase58())).toEqual([ofAlice.address.toBase58()]);
    const sliced = await connection.getProgramAccounts(TOKEN_PROGRAM_ID, {
      filters: byOwner,
      dataSlice: { offset: 32, length: 32 },
    });
    expect(new PublicKey(sliced[0]!.account.data).equals(alice)).toBe(true);
    const base64Filter = await rpc('getProgramAccounts', [
      TOKEN_PROGRAM_ID.toBase58(),
      {
        encoding: 'base64',
        filters: [{ memcmp: { offset: 32, bytes: bob.toBuffer().toString('base64'), encoding: 'base64' } }],
      },
    ]);
    expect((base64Filter.result as Array<{ pubkey: string }>).map((a) => a.pubkey)).toEqual([
      ofBob.address.toBase58(),
    ]);
    expect(
      (await connection.getTokenAccountsByOwner(bob, { mint })).value.map((a) => a.pubkey.toBase58()),
    ).toEqual([ofBob.address.toBase58()]);
    expect(
      (await connection.getTokenAccountsByOwner(bob, { programId: TOKEN_PROGRAM_ID })).value.map((a) =>
        a.pubkey.toBase58(),
      ),
    ).toEqual([ofBob.address.toBase58()]);
    for (const filters of [[{ memcmp: { offset: 0, bytes: '0OIl' } }], [{ unknown: 1 }]]) {
      expect((await rpc('getProgramAccounts', [TOKEN_PROGRAM_ID.toBase58(), { filters }])).error?.code).toBe(
        -32602,
      );
    }
    expect(
      (await rpc('getTokenAccountsByOwner', ['not-an-address', { mint: mint.toBase58() }])).error?.code,
    ).toBe(-32602);

    // A program subscription with filters is told about Alice's account only.
    const notified: string[] = [];
    const first = new Promise<string>((resolve) =>
      connection.onProgramAccountChange(
        TOKEN_PROGRAM_ID,
        (info) => {
          notified.push(info.accountId.toBase58());
          resolve(info.accountId.toBase58());
        },
        { commitment: 'confirmed', filters: byOwner },
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await mintTo(connection, payer, mint, ofBob.address, payer, 5);
    await mintTo(connection, payer, mint, ofAlice.address, payer, 7);
    expect(await first).toBe(ofAlice.address.toBase58());
    expect(notified).not.toContain(ofBob.address.toBase58());

    // A malformed filter fails the subscription at once; transactions afterwards are not affected.
    const socket = new WebSocket(localnet.wsUrl);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const reply = new Promise<{ error?: { code: number } }>((resolve) =>
      socket.once('message', (raw) => resolve(JSON.parse(raw.toString()))),
    );
    socket.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'programSubscribe',
        params: [TOKEN_PROGRAM_ID.toBase58(), { filters: [{ unknown: 1 }] }],
      }),
    );
    expect((await reply).error?.code).toBe(-32602);
    await mintTo(connection, payer, mint, ofAlice.address, payer, 1);
    expect((await getAccount(connection, ofAlice.address)).amount).toBe(8n);
    socket.close();
  });

  it('mints NOS from the faucet (localnet_airdropNos)', async () => {
    const owner = Keypair.generate();
    const signature = await callLocalnetRpc(localnet.rpcUrl, 'localnet_airdropNos', [
      owner.publicKey.toBase58(),
      '2500000',
    ]);
    expect(signature).toMatch(/^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
    const ata = getAssociatedTokenAddressSync(new PublicKey(localnet.mint), owner.publicKey);
    expect((await connection.getTokenAccountBalance(ata)).value.uiAmountString).toBe('2.5');
  });

  it('notifies account, logs, program and slot subscriptions', async () => {
    const payer = await funded(2);
    const watched = Keypair.generate().publicKey;
    const account = new Promise<number>((resolve) =>
      connection.onAccountChange(watched, (info) => resolve(info.lamports)),
    );
    const logs = new Promise<string[]>((resolve) =>
      connection.onLogs(watched, (entry) => resolve(entry.logs)),
    );
    const slot = new Promise<number>((resolve) => connection.onSlotChange((info) => resolve(info.slot)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await sendAndConfirmTransaction(
      connection,
      new Transaction().add(
        SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: watched, lamports: 4_000_000 }),
      ),
      [payer],
    );
    expect(await account).toBe(4_000_000);
    expect(await logs).toContain('Program 11111111111111111111111111111111 success');
    expect(await slot).toBeGreaterThan(0);
  });
});

describe('the emulated Nosana programs through Anchor 0.32', () => {
  it('lists the genesis markets with program.account.all and decodes them', async () => {
    const provider = new AnchorProvider(connection, new Wallet(Keypair.generate()), {
      commitment: 'confirmed',
    });
    const program = new Program(NOSANA_JOBS_IDL as unknown as Idl, provider);
    const markets = await (
      program.account as Record<
        string,
        { all(): Promise<Array<{ publicKey: PublicKey; account: Record<string, unknown> }>> }
      >
    ).marketAccount!.all();
    expect(markets.map((m) => m.publicKey.toBase58()).sort()).toEqual(
      localnet.markets.map((m) => m.address).sort(),
    );
    const cpu = markets.find((m) => m.publicKey.toBase58() === localnet.markets[0]!.address)!;
    expect(String(cpu.account.jobPrice)).toBe(localnet.markets[0]!.jobPrice);
    expect((cpu.account.vault as PublicKey).equals(marketVaultAddress(cpu.publicKey).address)).toBe(true);
  });

  it('runs work through Anchor .rpc() and reports program errors as AnchorError', async () => {
    const node = await funded(2);
    const provider = new AnchorProvider(connection, new Wallet(node), { commitment: 'confirmed' });
    const program = new Program(NOSANA_JOBS_IDL as unknown as Idl, provider);
    const mint = new PublicKey(localnet.mint);
    const nosAccount = getAssociatedTokenAddressSync(mint, node.publicKey);
    await sendAndConfirmTransaction(
      connection,
      new Transaction().add(
        createAssociatedTokenAccountIdempotentInstruction(node.publicKey, nosAccount, node.publicKey, mint),
        stakingInstruction(
          'stake',
          {
            mint,
            user: nosAccount,
            vault: stakeVaultAddress(node.publicKey).address,
            stake: stakeAddress(node.publicKey).address,
            authority: node.publicKey,
          },
          { amount: 0, duration: 14 * 86_400 },
        ),
      ),
      [node],
    );
    const market = new PublicKey(localnet.markets[1]!.address);
    const work = () => {
      const run = Keypair.generate();
      return program.methods
        .work()
        .accounts({
          run: run.publicKey,
          market,
          payer: node.publicKey,
          stake: stakeAddress(node.publicKey).address,
          nft: nosAccount,
          metadata: SystemProgram.programId,
          authority: node.publicKey,
        })
        .signers([run])
        .rpc();
    };
    await work();
    const account = await (
      program.account as Record<string, { fetch(a: PublicKey): Promise<{ queue: PublicKey[] }> }>
    ).marketAccount!.fetch(market);
    expect(account.queue.map((k) => k.toBase58())).toContain(node.publicKey.toBase58());
    await expect(work()).rejects.toMatchObject({
      error: { errorCode: { code: 'NodeAlreadyQueued', number: 6014 } },
    });
  });
});

describe('persistence', () => {
  it('keeps state across restarts, refuses a second localnet on the same directory, and resets on request', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nosana-localnet-test-'));
    try {
      const first = await startLocalnet({ dataDir, rpcPort: 0, ipfsPort: 0, autosaveMs: 0 });
      const c = connect(first);
      const key = Keypair.generate();
      const signature = await c.requestAirdrop(key.publicKey, 3 * LAMPORTS_PER_SOL);
      await expect(startLocalnet({ dataDir, rpcPort: 0, ipfsPort: 0 })).rejects.toSatisfy((e: unknown) =>
        isNosanaError(e, 'LOCALNET__ALREADY_RUNNING'),
      );
      await first.close();

      const second = await startLocalnet({ dataDir, rpcPort: 0, ipfsPort: 0 });
      const c2 = connect(second);
      expect(await c2.getBalance(key.publicKey)).toBe(3 * LAMPORTS_PER_SOL);
      expect((await c2.getSignatureStatuses([signature])).value[0]).toMatchObject({ err: null });
      expect(second.markets.map((m) => m.address)).toEqual(first.markets.map((m) => m.address));
      await second.close();

      const third = await startLocalnet({ dataDir, rpcPort: 0, ipfsPort: 0, reset: true });
      const c3 = connect(third);
      expect(await c3.getBalance(key.publicKey)).toBe(0);
      // The two genesis markets and the Jobs program's IDL account, as after genesis.
      expect((await c3.getProgramAccounts(new PublicKey(third.programs.jobs))).length).toBe(3);
      await third.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('call counting', () => {
  it('tells onRpcCall each JSON-RPC call it receives, over HTTP (batches included) and WebSocket', async () => {
    const calls: string[] = [];
    const counted = await startLocalnet({
      dataDir: 'temporary',
      rpcPort: 0,
      ipfsPort: 0,
      autosaveMs: 0,
      onRpcCall: (method, transport) => calls.push(`${transport} ${method}`),
    });
    try {
      const c = connect(counted);
      await c.getSlot();
      await fetch(counted.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          { jsonrpc: '2.0', id: 1, method: 'getHealth' },
          { jsonrpc: '2.0', id: 2, method: 'getVersion' },
        ]),
      });
      const id = c.onSlotChange(() => undefined);
      await expect.poll(() => calls.includes('ws slotSubscribe')).toBe(true);
      await c.removeSlotChangeListener(id);
      await expect.poll(() => calls.includes('ws slotUnsubscribe')).toBe(true);
      expect(calls.slice(0, 3)).toEqual(['http getSlot', 'http getHealth', 'http getVersion']);
    } finally {
      await counted.close();
    }
  });
});
