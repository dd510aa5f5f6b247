import { Keypair, PublicKey, SystemProgram, TransactionInstruction } from '@solana/web3.js';
import { describe, expect, it, vi } from 'vitest';
import { Bank } from './bank.js';
import { ProgramFailure } from './emulation.js';
import { processInstructions } from './process-instructions.js';

const PROGRAM = new PublicKey(new Uint8Array(32).fill(21));

/**
 * A bank emulating one program whose instruction writes its first byte of data into its first account (and fails
 * when that byte is 255), with two 8-byte accounts it owns.
 */
function setup() {
  const bank = Bank.create({
    programs: [
      {
        programId: PROGRAM,
        name: 'writer',
        execute: (context) => {
          const value = context.data[0]!;
          context.setData(context.accounts[0]!.pubkey, Uint8Array.of(value, 0, 0, 0, 0, 0, 0, 0));
          if (value === 255) throw new ProgramFailure({ Custom: 1 });
        },
      },
    ],
  });
  const payer = Keypair.generate();
  bank.airdrop(payer.publicKey.toBase58(), 10_000_000_000n);
  const owned = [Keypair.generate().publicKey, Keypair.generate().publicKey];
  for (const key of owned)
    bank.setAccount(key, {
      lamports: bank.rentExempt(8),
      owner: PROGRAM.toBase58(),
      data: new Uint8Array(8),
      executable: false,
    });
  const send = (instruction: TransactionInstruction, simulate = false) =>
    processInstructions(bank, [instruction], [payer], { simulate });
  const write = (target: PublicKey, value: number) =>
    new TransactionInstruction({
      programId: PROGRAM,
      keys: [{ pubkey: target, isSigner: false, isWritable: true }],
      data: Buffer.from([value]),
    });
  /** The program's accounts as listed: first data byte and lamports, by address. */
  const listing = (filter?: (data: Uint8Array) => boolean) =>
    Object.fromEntries(
      bank
        .programAccounts(PROGRAM, filter)
        .map(({ address, account }) => [address, [account.data[0], account.lamports]]),
    );
  return { bank, payer, owned, send, write, listing };
}

describe("listing an emulated program's accounts", () => {
  it('answers what the ledger holds after every kind of change: transactions, transfers, written accounts, airdrops', () => {
    const { bank, payer, owned, send, write, listing } = setup();
    const [a, b] = owned.map((k) => k.toBase58()) as [string, string];
    const rent = Number(bank.rentExempt(8));
    expect(listing()).toEqual({ [a]: [0, BigInt(rent)], [b]: [0, BigInt(rent)] });
    // Listed again with nothing between: the same answer, without reading litesvm again.
    const scans = vi.spyOn(bank.svm, 'getProgramAccounts');
    expect(listing()).toEqual(listing());
    expect(scans).toHaveBeenCalledTimes(0);

    expect(send(write(owned[0]!, 7)).err).toBeNull();
    expect(listing()).toMatchObject({ [a]: [7, BigInt(rent)] });
    expect(listing((data) => data[0] === 7)).toEqual({ [a]: [7, BigInt(rent)] });
    expect(scans).toHaveBeenCalledTimes(1);
    // A real transaction (a SOL transfer into a program's account) changes its lamports.
    expect(
      send(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: owned[1]!, lamports: 5 })).err,
    ).toBeNull();
    expect(listing()).toMatchObject({ [b]: [0, BigInt(rent + 5)] });
    bank.airdrop(b, 10n);
    expect(listing()).toMatchObject({ [b]: [0, BigInt(rent + 15)] });
    const added = Keypair.generate().publicKey.toBase58();
    bank.setAccount(added, {
      lamports: BigInt(rent),
      owner: PROGRAM.toBase58(),
      data: Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 0),
      executable: false,
    });
    expect(Object.keys(listing()).sort()).toEqual([a, b, added].sort());
    // Filters apply to the cached listing as to a scan.
    expect(Object.keys(listing((data) => data[0] === 9))).toEqual([added]);
  });

  it('keeps nothing of a failed or simulated transaction', () => {
    const { owned, send, write, listing } = setup();
    const a = owned[0]!.toBase58();
    expect(listing()[a]?.[0]).toBe(0);
    expect(send(write(owned[0]!, 255)).err).not.toBeNull();
    expect(listing()[a]?.[0]).toBe(0);
    expect(send(write(owned[0]!, 3), true).err).toBeNull();
    expect(listing()[a]?.[0]).toBe(0);
    expect(send(write(owned[0]!, 4)).err).toBeNull();
    expect(listing()[a]?.[0]).toBe(4);
  });
});
