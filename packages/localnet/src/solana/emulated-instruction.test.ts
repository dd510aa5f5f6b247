import { type AccountMeta, Keypair, PublicKey, SystemProgram, TransactionInstruction } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { Bank } from './bank.js';
import { type InstructionContext, ProgramFailure } from './emulation.js';
import { processInstructions } from './process-instructions.js';

type Script = (context: InstructionContext) => void;

const CALLER = new PublicKey(new Uint8Array(32).fill(11));
const CALLEE = new PublicKey(new Uint8Array(32).fill(12));
const utf8 = (text: string) => new TextEncoder().encode(text);

/** A bank emulating two scripted programs; `owned` is an 8-byte account of the callee, `pda` a caller PDA with SOL. */
function setup(caller: Script, callee: Script) {
  const bank = Bank.create({
    programs: [
      { programId: CALLER, name: 'caller', execute: caller },
      { programId: CALLEE, name: 'callee', execute: callee },
    ],
  });
  const payer = Keypair.generate();
  bank.airdrop(payer.publicKey.toBase58(), 10_000_000_000n);
  const owned = Keypair.generate().publicKey;
  bank.setAccount(owned, {
    lamports: bank.rentExempt(8),
    owner: CALLEE.toBase58(),
    data: new Uint8Array(8),
    executable: false,
  });
  const [pda, bump] = PublicKey.findProgramAddressSync([utf8('pda')], CALLER);
  bank.airdrop(pda.toBase58(), 1_000_000_000n);
  const sink = Keypair.generate().publicKey;
  /** Calls the caller with `keys` after the callee's program id. */
  const send = (keys: AccountMeta[], signers: Keypair[] = []) => {
    const ix = new TransactionInstruction({
      programId: CALLER,
      keys: [{ pubkey: CALLEE, isSigner: false, isWritable: false }, ...keys],
      data: Buffer.alloc(0),
    });
    return processInstructions(bank, [ix], [payer, ...signers]);
  };
  const seeds = [utf8('pda'), Uint8Array.of(bump)];
  return { bank, payer, owned, pda, seeds, sink, send };
}

/** A CPI into the callee with the caller's accounts after the callee's program id, flags as given. */
const toCallee = (context: InstructionContext, keys = context.accounts.slice(1)) =>
  new TransactionInstruction({ programId: CALLEE, keys: [...keys], data: Buffer.alloc(0) });

const depths = (logs: string[]) =>
  logs
    .filter((line) => / invoke \[\d\]$/.test(line))
    .map((line) => line.replace(/^Program (\w+)/, (_, id) => id.slice(0, 4)));

describe('CPI into emulated programs', () => {
  it('runs the callee one level deeper with the accounts passed, its own CPIs deeper still, in order', () => {
    const env = setup(
      (context) => {
        const [owned, payer, sink] = context.accounts.slice(1).map((k) => k.pubkey);
        context.invoke([
          SystemProgram.transfer({ fromPubkey: payer!, toPubkey: sink!, lamports: 1_000_000 }),
          toCallee(context),
          SystemProgram.transfer({ fromPubkey: payer!, toPubkey: sink!, lamports: 2_000_000 }),
        ]);
        expect(context.getAccount(owned!)!.data[0]).toBe(7);
      },
      (context) => {
        const [owned, payer, sink] = context.accounts.map((k) => k.pubkey);
        context.log('callee ran');
        context.setData(owned!, Uint8Array.of(7, 0, 0, 0, 0, 0, 0, 0));
        context.invoke([
          SystemProgram.transfer({ fromPubkey: payer!, toPubkey: sink!, lamports: 4_000_000 }),
        ]);
      },
    );
    const result = env.send([
      { pubkey: env.owned, isSigner: false, isWritable: true },
      { pubkey: env.payer.publicKey, isSigner: true, isWritable: true },
      { pubkey: env.sink, isSigner: false, isWritable: true },
      { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
    ]);
    expect(result.err).toBeNull();
    expect(depths(result.logs)).toEqual([
      `${CALLER.toBase58().slice(0, 4)} invoke [1]`,
      '1111 invoke [2]',
      `${CALLEE.toBase58().slice(0, 4)} invoke [2]`,
      '1111 invoke [3]',
      '1111 invoke [2]',
    ]);
    expect(result.logs).toContain('Program log: callee ran');
    expect(result.logs).toContain(`Program ${CALLEE.toBase58()} success`);
    expect(env.bank.getAccount(env.owned)!.data[0]).toBe(7);
    expect(env.bank.getBalance(env.sink)).toBe(7_000_000n);
  });

  it('a failure inside the callee fails the caller with the same error and rolls everything back', () => {
    const env = setup(
      (context) => {
        const [, payer, sink] = context.accounts.slice(1).map((k) => k.pubkey);
        context.invoke([
          SystemProgram.transfer({ fromPubkey: payer!, toPubkey: sink!, lamports: 1_000_000 }),
        ]);
        context.invoke([toCallee(context)]);
      },
      (context) => {
        context.setData(context.accounts[0]!.pubkey, Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 0));
        throw new ProgramFailure({ Custom: 42 }, ['Program log: inner refusal']);
      },
    );
    const result = env.send([
      { pubkey: env.owned, isSigner: false, isWritable: true },
      { pubkey: env.payer.publicKey, isSigner: true, isWritable: true },
      { pubkey: env.sink, isSigner: false, isWritable: true },
      { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
    ]);
    expect(result.err).toEqual({ InstructionError: [0, { Custom: 42 }] });
    expect(result.logs.slice(-5)).toEqual([
      'Program log: inner refusal',
      `Program ${CALLEE.toBase58()} consumed 1000 of 200000 compute units`,
      `Program ${CALLEE.toBase58()} failed: custom program error: 0x2a`,
      `Program ${CALLER.toBase58()} consumed 1000 of 200000 compute units`,
      `Program ${CALLER.toBase58()} failed: custom program error: 0x2a`,
    ]);
    expect(env.bank.getAccount(env.owned)!.data[0]).toBe(0);
    expect(env.bank.getBalance(env.sink)).toBe(0n);
  });

  it('no writable or signer escalation: the callee gets what the caller may pass on, PDA signatures included', () => {
    const passOn = (context: InstructionContext, flags: Partial<AccountMeta>, seeds?: Uint8Array[]) => {
      const keys = context.accounts.slice(1).map((k, i) => (i === 0 ? { ...k, ...flags } : k));
      context.invoke([toCallee(context, keys)], seeds ? [seeds] : []);
    };
    // The callee moves SOL from its first account (which must sign) to its second.
    const spend = (context: InstructionContext) => {
      const [from, to] = context.accounts.map((k) => k.pubkey);
      context.invoke([SystemProgram.transfer({ fromPubkey: from!, toPubkey: to!, lamports: 1_000_000 })]);
    };
    const keysOf = (first: PublicKey, writable: boolean) => [
      { pubkey: first, isSigner: false, isWritable: writable },
      { pubkey: Keypair.generate().publicKey, isSigner: false, isWritable: true },
      { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
    ];
    let env = setup((context) => passOn(context, { isWritable: true }), spend);
    expect(env.send(keysOf(env.owned, false)).err).toEqual({ InstructionError: [0, 'PrivilegeEscalation'] });
    env = setup((context) => passOn(context, { isSigner: true }), spend);
    expect(env.send(keysOf(env.pda, true)).err).toEqual({ InstructionError: [0, 'PrivilegeEscalation'] });
    env = setup((context) => passOn(context, { isSigner: true }, env.seeds), spend);
    const signed = env.send(keysOf(env.pda, true));
    expect(signed.err).toBeNull();
    expect(depths(signed.logs)).toEqual([
      `${CALLER.toBase58().slice(0, 4)} invoke [1]`,
      `${CALLEE.toBase58().slice(0, 4)} invoke [2]`,
      '1111 invoke [3]',
    ]);
    // A signature of the transaction that the caller did not pass on cannot be used by the callee.
    const signer = Keypair.generate();
    env = setup(
      (context) =>
        context.invoke([
          toCallee(
            context,
            context.accounts.slice(1).map((k) => ({ ...k, isSigner: false })),
          ),
        ]),
      (context) => {
        const to = context.accounts[1]!.pubkey;
        context.invoke([
          SystemProgram.transfer({ fromPubkey: signer.publicKey, toPubkey: to, lamports: 1_000_000 }),
        ]);
      },
    );
    env.bank.airdrop(signer.publicKey.toBase58(), 1_000_000_000n);
    const kept = env.send(
      [...keysOf(env.owned, true), { pubkey: signer.publicKey, isSigner: true, isWritable: true }],
      [signer],
    );
    expect(kept.err).toEqual({ InstructionError: [0, 'PrivilegeEscalation'] });
  });

  it('refuses accounts outside the transaction and re-entering the caller', () => {
    let env = setup(
      (context) =>
        context.invoke([
          toCallee(context, [{ pubkey: Keypair.generate().publicKey, isSigner: false, isWritable: false }]),
        ]),
      () => undefined,
    );
    expect(env.send([]).err).toEqual({ InstructionError: [0, 'MissingAccount'] });
    env = setup(
      (context) =>
        context.invoke([toCallee(context, [{ pubkey: CALLER, isSigner: false, isWritable: false }])]),
      (context) =>
        context.invoke([new TransactionInstruction({ programId: CALLER, keys: [], data: Buffer.alloc(0) })]),
    );
    expect(env.send([{ pubkey: CALLER, isSigner: false, isWritable: false }]).err).toEqual({
      InstructionError: [0, 'ReentrancyNotAllowed'],
    });
  });
});
