import {
  ACCOUNT_SPACE,
  encodeMarketAccount,
  jobsInstruction,
  listJobInstruction,
  marketVaultAddress,
  QueueType,
  rewardsReflectionAddress,
  rewardsVaultAddress,
  stakeAddress,
} from '@nosana/chain';
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createInitializeMint2Instruction,
  getAssociatedTokenAddressSync,
  MINT_SIZE,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token';
import { Keypair, PublicKey, SYSVAR_RENT_PUBKEY, SystemProgram } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { createTestChain, errorName, type TestChain } from '../../test/bank-helpers.js';

const NOS = 1_000_000n;
const PRICE = 100n; // the genesis CPU market: 100 base units per second

describe('emulated Jobs program: matching and escrow', () => {
  it('a node waiting in the queue is matched at list; finish pays price × elapsed and refunds the rest', () => {
    const chain = createTestChain();
    const node = chain.user();
    const poster = chain.user(1000n * NOS);
    chain.stake(node);
    expect(chain.work(node).result.err).toBeNull();
    expect(chain.marketAccount()).toMatchObject({ queueType: QueueType.Node, queue: [node.publicKey] });

    const { job, run, result } = chain.list(poster, 100);
    expect(result.err).toBeNull();
    expect(chain.marketAccount()).toMatchObject({ queueType: QueueType.Empty, queue: [] });
    expect(chain.run(run.publicKey)).toMatchObject({
      job: job.publicKey,
      node: node.publicKey,
      payer: poster.publicKey,
    });
    expect(chain.job(job.publicKey)).toMatchObject({
      state: 0,
      price: PRICE,
      timeout: 100,
      project: poster.publicKey,
    });
    expect(chain.nos(poster.publicKey)).toBe(1000n * NOS - 100n * PRICE);
    expect(chain.tokens(chain.vault())).toBe(100n * PRICE);

    chain.advance(30);
    const runRent = chain.bank.getAccount(run.publicKey)!.lamports;
    const posterLamports = chain.bank.getBalance(poster.publicKey);
    expect(chain.finish(node, job.publicKey, run.publicKey).err).toBeNull();
    const finished = chain.job(job.publicKey)!;
    const elapsed = BigInt(finished.timeEnd - finished.timeStart);
    expect(finished).toMatchObject({
      state: 2,
      node: node.publicKey,
      ipfsResult: new Uint8Array(32).fill(9),
    });
    expect(elapsed).toBeGreaterThanOrEqual(30n);
    expect(chain.nos(node.publicKey)).toBe(PRICE * elapsed);
    expect(chain.nos(poster.publicKey)).toBe(1000n * NOS - PRICE * elapsed);
    expect(chain.tokens(chain.vault())).toBe(0n);
    expect(chain.run(run.publicKey)).toBeNull();
    // The run account's rent went back to whoever paid for it (the poster, at list).
    expect(chain.bank.getBalance(poster.publicKey)).toBe(posterLamports + runRent);
  });

  it('a job listed into an empty market waits in the queue; the next node to work takes it', () => {
    const chain = createTestChain();
    const poster = chain.user(10n * NOS);
    const node = chain.user();
    chain.stake(node);
    const { job, run, result } = chain.list(poster, 60);
    expect(result.err).toBeNull();
    expect(chain.bank.getAccount(run.publicKey)).toBeNull();
    expect(chain.marketAccount()).toMatchObject({ queueType: QueueType.Job, queue: [job.publicKey] });
    const work = chain.work(node);
    expect(work.result.err).toBeNull();
    expect(chain.run(work.run.publicKey)).toMatchObject({
      job: job.publicKey,
      node: node.publicKey,
      payer: node.publicKey,
    });
    expect(chain.marketAccount().queueType).toBe(QueueType.Empty);
  });

  it('never pays more than the timeout', () => {
    const chain = createTestChain();
    const poster = chain.user(10n * NOS);
    const node = chain.user();
    chain.stake(node);
    chain.work(node);
    const { job, run } = chain.list(poster, 20);
    chain.advance(500);
    expect(chain.finish(node, job.publicKey, run.publicKey).err).toBeNull();
    expect(chain.nos(node.publicKey)).toBe(20n * PRICE);
    expect(chain.nos(poster.publicKey)).toBe(10n * NOS - 20n * PRICE);
  });
});

describe('emulated Jobs program: owner and node actions', () => {
  const setup = () => {
    const chain = createTestChain();
    const poster = chain.user(10n * NOS);
    const node = chain.user();
    chain.stake(node);
    return { chain, poster, node };
  };
  const ix = (name: 'delist' | 'end' | 'quit' | 'recover', accounts: Record<string, PublicKey>) =>
    jobsInstruction(name, accounts as never, {});

  it('delist refunds a queued job in full and closes it; a running job cannot be delisted', () => {
    const { chain, poster, node } = setup();
    const queued = chain.list(poster, 50);
    const delist = (job: PublicKey, authority: Keypair) =>
      chain.send(
        [
          ix('delist', {
            job,
            market: chain.market,
            deposit: chain.ata(poster.publicKey),
            payer: poster.publicKey,
            vault: chain.vault(),
            authority: authority.publicKey,
          }),
        ],
        [authority],
      );
    expect(errorName(delist(queued.job.publicKey, node))).toBe('Unauthorized');
    expect(delist(queued.job.publicKey, poster).err).toBeNull();
    expect(chain.nos(poster.publicKey)).toBe(10n * NOS);
    expect(chain.bank.getAccount(queued.job.publicKey)).toBeNull();

    chain.work(node);
    const running = chain.list(poster, 50);
    expect(errorName(delist(running.job.publicKey, poster))).toBe('MarketInWrongState');
  });

  it('end stops a running job, pays the node for the elapsed time, and the node then completes the result', () => {
    const { chain, poster, node } = setup();
    chain.work(node);
    const { job, run } = chain.list(poster, 100);
    chain.advance(10);
    const end = chain.send(
      [
        ix('end', {
          job: job.publicKey,
          market: chain.market,
          run: run.publicKey,
          deposit: chain.ata(poster.publicKey),
          user: chain.ata(node.publicKey),
          vault: chain.vault(),
          payer: poster.publicKey,
          authority: poster.publicKey,
        }),
      ],
      [poster],
    );
    expect(end.err).toBeNull();
    const ended = chain.job(job.publicKey)!;
    expect(ended).toMatchObject({ state: 2, node: node.publicKey, ipfsResult: new Uint8Array(32) });
    expect(chain.nos(node.publicKey)).toBe(PRICE * BigInt(ended.timeEnd - ended.timeStart));
    expect(chain.tokens(chain.vault())).toBe(0n);

    const complete = (result: Uint8Array, signer: Keypair) =>
      chain.send(
        [
          jobsInstruction(
            'complete',
            { job: job.publicKey, authority: signer.publicKey },
            { ipfsResult: result },
          ),
        ],
        [signer],
      );
    expect(errorName(complete(new Uint8Array(32).fill(3), poster))).toBe('Unauthorized');
    expect(errorName(complete(new Uint8Array(32), node))).toBe('JobResultNull');
    expect(complete(new Uint8Array(32).fill(3), node).err).toBeNull();
    expect(chain.job(job.publicKey)!.ipfsResult).toEqual(new Uint8Array(32).fill(3));
    expect(errorName(complete(new Uint8Array(32).fill(4), node))).toBe('JobResultsAlreadySet');
  });

  it('quit stops a job without payment; the owner recovers the deposit, or another node claims and finishes it', () => {
    const { chain, poster, node } = setup();
    chain.work(node);
    const first = chain.list(poster, 40);
    const quit = (job: PublicKey, run: PublicKey, payer: PublicKey) =>
      chain.send([ix('quit', { job, run, payer, authority: node.publicKey })], [node]);
    expect(quit(first.job.publicKey, first.run.publicKey, poster.publicKey).err).toBeNull();
    expect(chain.job(first.job.publicKey)!.state).toBe(3);
    expect(chain.nos(node.publicKey)).toBe(0n);
    const recover = chain.send(
      [
        ix('recover', {
          job: first.job.publicKey,
          market: chain.market,
          vault: chain.vault(),
          user: chain.ata(poster.publicKey),
          payer: poster.publicKey,
          authority: poster.publicKey,
        }),
      ],
      [poster],
    );
    expect(recover.err).toBeNull();
    expect(chain.nos(poster.publicKey)).toBe(10n * NOS);
    expect(chain.bank.getAccount(first.job.publicKey)).toBeNull();

    chain.work(node);
    const second = chain.list(poster, 40);
    quit(second.job.publicKey, second.run.publicKey, poster.publicKey);
    const other = chain.user();
    chain.stake(other);
    const claimRun = Keypair.generate();
    const claim = chain.send(
      [
        jobsInstruction(
          'claim',
          {
            job: second.job.publicKey,
            run: claimRun.publicKey,
            market: chain.market,
            stake: stakeAddress(other.publicKey, chain.ids).address,
            nft: chain.ata(other.publicKey),
            metadata: SystemProgram.programId,
            payer: other.publicKey,
            authority: other.publicKey,
          },
          {},
        ),
      ],
      [other, claimRun],
    );
    expect(claim.err).toBeNull();
    chain.advance(5);
    expect(chain.finish(other, second.job.publicKey, claimRun.publicKey).err).toBeNull();
    const done = chain.job(second.job.publicKey)!;
    expect(done.node.equals(other.publicKey)).toBe(true);
    expect(chain.nos(other.publicKey)).toBe(PRICE * BigInt(done.timeEnd - done.timeStart));
  });

  it('claim follows the rules of the published program when two nodes claim one stopped job', () => {
    // nosana-programs `claim.rs` checks only `job.state == Stopped` and creates a run; the job stays Stopped (its own
    // test "can find a re-claimed job" asserts that); `finish` and `end` check the run, not the job's state. So the
    // emulator accepts what the real program accepts here, and the second payout comes out of the market's vault.
    const { chain, poster, node } = setup();
    const bystander = chain.user(10n * NOS);
    chain.work(node);
    const stopped = chain.list(poster, 40);
    expect(
      chain.send(
        [
          ix('quit', {
            job: stopped.job.publicKey,
            run: stopped.run.publicKey,
            payer: poster.publicKey,
            authority: node.publicKey,
          }),
        ],
        [node],
      ).err,
    ).toBeNull();
    chain.list(bystander, 40); // another poster's deposit in the same vault
    const deposit = PRICE * 40n;
    expect(chain.tokens(chain.vault())).toBe(2n * deposit);
    const claimers = [chain.user(), chain.user()];
    const runs = claimers.map((claimer) => {
      chain.stake(claimer);
      const run = Keypair.generate();
      const result = chain.send(
        [
          jobsInstruction(
            'claim',
            {
              job: stopped.job.publicKey,
              run: run.publicKey,
              market: chain.market,
              stake: stakeAddress(claimer.publicKey, chain.ids).address,
              nft: chain.ata(claimer.publicKey),
              metadata: SystemProgram.programId,
              payer: claimer.publicKey,
              authority: claimer.publicKey,
            },
            {},
          ),
        ],
        [claimer, run],
      );
      expect(result.err).toBeNull();
      expect(chain.job(stopped.job.publicKey)!.state).toBe(3);
      return run.publicKey;
    });
    chain.advance(10);
    const paid = () => {
      const job = chain.job(stopped.job.publicKey)!;
      return PRICE * BigInt(job.timeEnd - job.timeStart);
    };
    expect(chain.finish(claimers[0]!, stopped.job.publicKey, runs[0]!).err).toBeNull();
    expect(chain.job(stopped.job.publicKey)!.state).toBe(2);
    expect(chain.nos(claimers[0]!.publicKey)).toBe(paid());
    expect(chain.finish(claimers[1]!, stopped.job.publicKey, runs[1]!).err).toBeNull();
    expect(chain.nos(claimers[1]!.publicKey)).toBe(paid());
    expect(paid()).toBeGreaterThan(0n);
    // Two settlements of one deposit: the vault no longer holds the other poster's.
    expect(chain.tokens(chain.vault())).toBe(0n);
  });

  it('extend raises the timeout and deposits the difference; it must grow', () => {
    const { chain, poster, node } = setup();
    chain.work(node);
    const { job } = chain.list(poster, 30);
    const extend = (timeout: number) =>
      chain.send(
        [
          jobsInstruction(
            'extend',
            {
              job: job.publicKey,
              market: chain.market,
              user: chain.ata(poster.publicKey),
              vault: chain.vault(),
              rewardsReflection: new PublicKey(chain.bank.programAccounts(chain.ids.rewards)[0]!.address),
              rewardsVault: chainRewardsVault(chain),
              authority: poster.publicKey,
              payer: poster.publicKey,
            },
            { timeout },
          ),
        ],
        [poster],
      );
    expect(extend(90).err).toBeNull();
    expect(chain.job(job.publicKey)!.timeout).toBe(90);
    expect(chain.tokens(chain.vault())).toBe(90n * PRICE);
    expect(errorName(extend(60))).toBe('JobTimeoutNotGreater');
  });

  it('clean closes a finished job only after the market expiration', () => {
    const { chain, poster, node } = setup();
    chain.work(node);
    const { job, run } = chain.list(poster, 30);
    chain.finish(node, job.publicKey, run.publicKey);
    const clean = () =>
      chain.send(
        [jobsInstruction('clean', { job: job.publicKey, market: chain.market, payer: poster.publicKey }, {})],
        [node],
      );
    expect(errorName(clean())).toBe('JobNotExpired');
    chain.advance(86_401);
    const before = chain.bank.getBalance(poster.publicKey);
    const rent = chain.bank.getAccount(job.publicKey)!.lamports;
    expect(clean().err).toBeNull();
    expect(chain.bank.getBalance(poster.publicKey)).toBe(before + rent);
  });
});

describe('emulated Jobs program: who may do what', () => {
  it('rejects a finish by another node, a null result, a second work, work without stake, a wrong ATA', () => {
    const chain = createTestChain();
    const poster = chain.user(10n * NOS);
    const node = chain.user();
    const intruder = chain.user();
    chain.stake(node);
    chain.stake(intruder);
    expect(chain.work(node).result.err).toBeNull();
    expect(errorName(chain.work(node).result)).toBe('NodeAlreadyQueued');
    // No stake account: Anchor fails to load it before checking its address.
    expect(errorName(chain.work(chain.user()).result)).toBe('AccountNotInitialized');
    const { job, run } = chain.list(poster, 30);
    const finishByIntruder = chain.send(
      [
        jobsInstruction(
          'finish',
          {
            job: job.publicKey,
            run: run.publicKey,
            market: chain.market,
            vault: chain.vault(),
            deposit: chain.ata(poster.publicKey),
            user: chain.ata(intruder.publicKey),
            payerRun: poster.publicKey,
            payerJob: poster.publicKey,
            authority: intruder.publicKey,
          },
          { ipfsResult: new Uint8Array(32).fill(1) },
        ),
      ],
      [intruder],
    );
    expect(errorName(finishByIntruder)).toBe('Unauthorized');
    expect(errorName(chain.finish(node, job.publicKey, run.publicKey, { result: new Uint8Array(32) }))).toBe(
      'JobResultNull',
    );
    expect(chain.tokens(chain.vault())).toBe(30n * PRICE);

    const stranger = chain.user(10n * NOS);
    const wrongAta = chain.send(
      [
        jobsInstruction(
          'list',
          {
            job: Keypair.generate().publicKey,
            market: chain.market,
            run: Keypair.generate().publicKey,
            user: chain.ata(poster.publicKey),
            vault: chain.vault(),
            payer: stranger.publicKey,
            rewardsReflection: PublicKey.default,
            rewardsVault: PublicKey.default,
            authority: stranger.publicKey,
          },
          { ipfsJob: new Uint8Array(32).fill(1), timeout: 10 },
        ),
      ],
      [stranger],
    );
    expect(wrongAta.err).not.toBeNull();
  });

  it('lets a node leave the queue with stop, and nobody else remove it', () => {
    const chain = createTestChain();
    const node = chain.user();
    const other = chain.user();
    chain.stake(node);
    chain.work(node);
    const stop = (signer: Keypair) =>
      chain.send(
        [
          jobsInstruction(
            'stop',
            { market: chain.market, node: node.publicKey, authority: signer.publicKey },
            {},
          ),
        ],
        [signer],
      );
    expect(errorName(stop(other))).toBe('Unauthorized');
    expect(stop(node).err).toBeNull();
    expect(chain.marketAccount().queue).toEqual([]);
  });

  it('is atomic: when an instruction fails, earlier instructions of the transaction are rolled back and only the fee is paid', () => {
    const chain = createTestChain();
    const node = chain.user();
    const poster = chain.user(10n * NOS);
    chain.stake(node);
    chain.work(node);
    const { job, run } = chain.list(poster, 30);
    const target = Keypair.generate().publicKey;
    const before = chain.bank.getBalance(node.publicKey);
    const result = chain.send(
      [
        SystemProgram.transfer({ fromPubkey: node.publicKey, toPubkey: target, lamports: 1_000_000_000 }),
        jobsInstruction(
          'finish',
          {
            job: job.publicKey,
            run: run.publicKey,
            market: chain.market,
            vault: chain.vault(),
            deposit: chain.ata(poster.publicKey),
            user: chain.ata(node.publicKey),
            payerRun: poster.publicKey,
            payerJob: poster.publicKey,
            authority: node.publicKey,
          },
          { ipfsResult: new Uint8Array(32) },
        ),
      ],
      [node],
    );
    expect(result.err).toEqual({ InstructionError: [1, { Custom: 6006 }] });
    expect(chain.bank.getBalance(target)).toBe(0n);
    expect(chain.bank.getBalance(node.publicKey)).toBe(before - 5000n);
    expect(chain.run(run.publicKey)).not.toBeNull();
  });
});

function chainRewardsVault(chain: ReturnType<typeof createTestChain>): PublicKey {
  const reflection = chain.bank.programAccounts(chain.ids.rewards)[0]!;
  return new PublicKey(reflection.account.data.subarray(56, 88));
}

describe('emulated Jobs program: Anchor 1.0 account handling of the real program', () => {
  const setup = () => {
    const chain = createTestChain();
    const poster = chain.user(10n * NOS);
    const node = chain.user();
    chain.stake(node);
    return { chain, poster, node };
  };
  const quitJob = (chain: TestChain, poster: Keypair, node: Keypair) => {
    chain.work(node);
    const listed = chain.list(poster, 40);
    const quit = chain.send(
      [
        jobsInstruction(
          'quit',
          {
            job: listed.job.publicKey,
            run: listed.run.publicKey,
            payer: poster.publicKey,
            authority: node.publicKey,
          },
          {},
        ),
      ],
      [node],
    );
    expect(quit.err).toBeNull();
    return listed.job.publicKey;
  };

  it('rejects the same account in two mut fields (2040), except the `dup` deposit a node may share with the poster', () => {
    const { chain, poster, node } = setup();
    const job = quitJob(chain, poster, node);
    // recover's `user` is unconstrained: passing the vault itself would move the escrow onto itself.
    const recover = chain.send(
      [
        jobsInstruction(
          'recover',
          {
            job,
            market: chain.market,
            vault: chain.vault(),
            user: chain.vault(),
            payer: poster.publicKey,
            authority: poster.publicKey,
          },
          {},
        ),
      ],
      [poster],
    );
    expect(recover.err).toEqual({ InstructionError: [0, { Custom: 2040 }] });
    expect(errorName(recover)).toBe('ConstraintDuplicateMutableAccount');
    expect(recover.logs.some((line) => line.includes('caused by account: user.'))).toBe(true);
    expect(chain.job(job)!.state).toBe(3);

    // A host posting to itself: finish's `deposit` (the payer's ATA) and `user` (the node's) are the same account.
    const host = chain.user(10n * NOS);
    chain.stake(host);
    chain.work(host);
    const own = chain.list(host, 20);
    expect(chain.run(own.run.publicKey)!.node.equals(host.publicKey)).toBe(true);
    chain.advance(5);
    expect(chain.finish(host, own.job.publicKey, own.run.publicKey).err).toBeNull();
    expect(chain.nos(host.publicKey)).toBe(10n * NOS);
  });

  it("loads rewards_reflection as the Rewards program's ReflectionAccount and rewards_vault as a token account", () => {
    const { chain, poster, node } = setup();
    const listWith = (rewardsReflection: PublicKey, rewardsVault: PublicKey) => {
      const job = Keypair.generate();
      const run = Keypair.generate();
      return chain.send(
        [
          jobsInstruction(
            'list',
            {
              job: job.publicKey,
              market: chain.market,
              run: run.publicKey,
              user: chain.ata(poster.publicKey),
              vault: chain.vault(),
              payer: poster.publicKey,
              rewardsReflection,
              rewardsVault,
              authority: poster.publicKey,
            },
            { ipfsJob: new Uint8Array(32).fill(1), timeout: 10 },
          ),
        ],
        [poster, job, run],
      );
    };
    const reflection = rewardsReflectionAddress(chain.ids).address;
    const rewardsVault = rewardsVaultAddress(chain.ids).address;
    // A Jobs-owned account (the GPU market, not otherwise in this transaction) in place of the reflection.
    const wrongReflection = listWith(new PublicKey(chain.info.markets[1]!.address), rewardsVault);
    expect(errorName(wrongReflection)).toBe('AccountOwnedByWrongProgram');
    expect(wrongReflection.logs.some((line) => line.includes('caused by account: rewards_reflection.'))).toBe(
      true,
    );
    expect(errorName(listWith(Keypair.generate().publicKey, rewardsVault))).toBe('AccountNotInitialized');
    expect(listWith(reflection, rewardsVault).err).toBeNull();

    chain.work(node);
    const { job } = chain.list(poster, 30);
    const extend = chain.send(
      [
        jobsInstruction(
          'extend',
          {
            job: job.publicKey,
            market: chain.market,
            user: chain.ata(poster.publicKey),
            vault: chain.vault(),
            rewardsReflection: reflection,
            rewardsVault: reflection,
            authority: poster.publicKey,
            payer: poster.publicKey,
          },
          { timeout: 60 },
        ),
      ],
      [poster],
    );
    // The same key twice is caught first (2040); a non-token account alone is not a TokenAccount.
    expect(errorName(extend)).toBe('ConstraintDuplicateMutableAccount');
    const extendWith = (rewardsVaultKey: PublicKey) =>
      chain.send(
        [
          jobsInstruction(
            'extend',
            {
              job: job.publicKey,
              market: chain.market,
              user: chain.ata(poster.publicKey),
              vault: chain.vault(),
              rewardsReflection: reflection,
              rewardsVault: rewardsVaultKey,
              authority: poster.publicKey,
              payer: poster.publicKey,
            },
            { timeout: 60 },
          ),
        ],
        [poster],
      );
    expect(errorName(extendWith(new PublicKey(chain.info.markets[1]!.address)))).toBe(
      'AccountOwnedByWrongProgram',
    );
    expect(extendWith(rewardsVault).err).toBeNull();
  });

  it('delist needs a writable authority (`#[account(mut)] pub authority: Signer`)', () => {
    const { chain, poster } = setup();
    // A job whose owner (project) is not its payer, so the owner's key is writable only as `authority`.
    const project = chain.user();
    const job = Keypair.generate();
    const run = Keypair.generate();
    const listed = chain.send(
      [
        jobsInstruction(
          'list',
          {
            job: job.publicKey,
            market: chain.market,
            run: run.publicKey,
            user: chain.ata(poster.publicKey),
            vault: chain.vault(),
            payer: poster.publicKey,
            rewardsReflection: rewardsReflectionAddress(chain.ids).address,
            rewardsVault: rewardsVaultAddress(chain.ids).address,
            authority: project.publicKey,
          },
          { ipfsJob: new Uint8Array(32).fill(1), timeout: 50 },
        ),
      ],
      [poster, job, run, project],
    );
    expect(listed.err).toBeNull();
    const delist = (authorityWritable: boolean) => {
      const ix = jobsInstruction(
        'delist',
        {
          job: job.publicKey,
          market: chain.market,
          deposit: chain.ata(poster.publicKey),
          payer: poster.publicKey,
          vault: chain.vault(),
          authority: project.publicKey,
        },
        {},
      );
      ix.keys[6]!.isWritable = authorityWritable;
      return chain.send([ix], [poster, project]);
    };
    expect(errorName(delist(false))).toBe('ConstraintMut');
    expect(delist(true).err).toBeNull();
    expect(chain.nos(poster.publicKey)).toBe(10n * NOS);
  });

  it('close drains the vault into `user` with a real transfer even when it is empty (the Token program checks the mint)', () => {
    const chain = createTestChain();
    const owner = chain.user();
    const market = Keypair.generate();
    const vault = marketVaultAddress(market.publicKey, chain.ids).address;
    const open = (rent: PublicKey) =>
      chain.send(
        [
          jobsInstruction(
            'open',
            {
              mint: chain.ids.nosMint,
              market: market.publicKey,
              vault,
              authority: owner.publicKey,
              accessKey: SystemProgram.programId,
              rent,
            },
            { jobExpiration: 60, jobPrice: 0, jobTimeout: 60, jobType: 0, nodeXnosMinimum: 0 },
          ),
        ],
        [owner, market],
      );
    expect(errorName(open(SystemProgram.programId))).toBe('AccountSysvarMismatch');
    expect(open(SYSVAR_RENT_PUBKEY).err).toBeNull();

    // A token account of another mint, owned by the market authority.
    const otherMint = Keypair.generate();
    const otherAccount = getAssociatedTokenAddressSync(otherMint.publicKey, owner.publicKey);
    const created = chain.send(
      [
        SystemProgram.createAccount({
          fromPubkey: owner.publicKey,
          newAccountPubkey: otherMint.publicKey,
          lamports: Number(chain.bank.rentExempt(MINT_SIZE)),
          space: MINT_SIZE,
          programId: TOKEN_PROGRAM_ID,
        }),
        createInitializeMint2Instruction(otherMint.publicKey, 6, owner.publicKey, null),
        createAssociatedTokenAccountIdempotentInstruction(
          owner.publicKey,
          otherAccount,
          owner.publicKey,
          otherMint.publicKey,
        ),
        createAssociatedTokenAccountIdempotentInstruction(
          owner.publicKey,
          chain.ata(owner.publicKey),
          owner.publicKey,
          chain.ids.nosMint,
        ),
      ],
      [owner, otherMint],
    );
    expect(created.err).toBeNull();
    const close = (user: PublicKey) =>
      chain.send(
        [jobsInstruction('close', { market: market.publicKey, vault, user, authority: owner.publicKey }, {})],
        [owner],
      );
    // SPL Token's MintMismatch (3), even for 0 tokens.
    expect(close(otherAccount).err).toEqual({ InstructionError: [0, { Custom: 3 }] });
    expect(close(chain.ata(owner.publicKey)).err).toBeNull();
    expect(chain.bank.getAccount(market.publicKey)).toBeNull();
    expect(chain.bank.getAccount(vault)).toBeNull();
  });

  it('a market account holds 10,224 bytes, and a queue that would not fit fails to serialize (3004)', () => {
    const { chain, node } = setup();
    const account = chain.bank.getAccount(chain.market)!;
    expect(account.data.length).toBe(10_224);
    const market = chain.marketAccount();
    const full = Array.from({ length: 314 }, () => Keypair.generate().publicKey);
    chain.bank.setAccount(chain.market, {
      ...account,
      data: encodeMarketAccount({ ...market, queueType: QueueType.Node, queue: full }, account.data.length),
    });
    expect(errorName(chain.work(node).result)).toBe('AccountDidNotSerialize');
    chain.bank.setAccount(chain.market, {
      ...account,
      data: encodeMarketAccount(
        { ...market, queueType: QueueType.Node, queue: full.slice(1) },
        account.data.length,
      ),
    });
    expect(chain.work(node).result.err).toBeNull();
    expect(chain.marketAccount().queue).toHaveLength(314);
  });

  it('initializes a job account that already holds lamports, as Anchor does (top up, allocate, assign)', () => {
    const { chain, poster } = setup();
    const job = Keypair.generate();
    chain.bank.airdrop(job.publicKey.toBase58(), 1_000_000n);
    const run = Keypair.generate();
    const before = chain.bank.getBalance(poster.publicKey);
    const result = chain.send(
      [
        listJobInstruction({
          market: chain.market,
          poster: poster.publicKey,
          job: job.publicKey,
          run: run.publicKey,
          ipfsJob: new Uint8Array(32).fill(1),
          timeout: 10,
          ids: chain.ids,
        }),
      ],
      [poster, job, run],
    );
    expect(result.err).toBeNull();
    const rent = chain.bank.rentExempt(ACCOUNT_SPACE.JobAccount);
    const created = chain.bank.getAccount(job.publicKey)!;
    expect(created.lamports).toBe(rent);
    expect(created.owner).toBe(chain.ids.jobs.toBase58());
    expect(created.data.length).toBe(ACCOUNT_SPACE.JobAccount);
    expect(chain.job(job.publicKey)!.project.equals(poster.publicKey)).toBe(true);
    // The poster paid only the shortfall (and the fee).
    expect(chain.bank.getBalance(poster.publicKey)).toBe(before - (rent - 1_000_000n) - 5000n * 3n);
  });

  it("checks the fresh run account's lamports before its owner (raw constraints precede `owner`)", () => {
    const { chain, node } = setup();
    const run = Keypair.generate();
    const result = chain.send(
      [
        SystemProgram.createAccount({
          fromPubkey: node.publicKey,
          newAccountPubkey: run.publicKey,
          lamports: 1_000_000,
          space: 0,
          programId: TOKEN_PROGRAM_ID,
        }),
        jobsInstruction(
          'work',
          {
            run: run.publicKey,
            market: chain.market,
            payer: node.publicKey,
            stake: stakeAddress(node.publicKey, chain.ids).address,
            nft: chain.ata(node.publicKey),
            metadata: SystemProgram.programId,
            authority: node.publicKey,
          },
          {},
        ),
      ],
      [node, run],
    );
    expect(errorName(result)).toBe('LamportsNonNull');
  });

  it('rejects instruction data too short for its byte-array argument (InstructionDidNotDeserialize)', () => {
    const { chain, poster, node } = setup();
    chain.work(node);
    const { job } = chain.list(poster, 30);
    const ix = jobsInstruction(
      'complete',
      { job: job.publicKey, authority: node.publicKey },
      { ipfsResult: new Uint8Array(32).fill(3) },
    );
    ix.data = ix.data.subarray(0, 8 + 16);
    expect(errorName(chain.send([ix], [node]))).toBe('InstructionDidNotDeserialize');
  });

  it('panics like the program on a negative timeout in a paid market (u64::try_from(timeout).unwrap())', () => {
    const { chain, poster } = setup();
    const { result } = chain.list(poster, -1);
    expect(result.err).toEqual({ InstructionError: [0, 'ProgramFailedToComplete'] });
    expect(chain.nos(poster.publicKey)).toBe(10n * NOS);
  });
});
