import { base58, base64 } from '@scure/base';
import { Keypair, SystemProgram } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { Bank } from './bank.js';
import { compileFilters } from './filters.js';
import { RpcError } from './rpc-error.js';

const data = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);

describe('getProgramAccounts filters', () => {
  it('match dataSize, memcmp in base58 and base64, and every filter at once', () => {
    expect(compileFilters([])(data)).toBe(true);
    expect(compileFilters([{ dataSize: 8 }])(data)).toBe(true);
    expect(compileFilters([{ dataSize: 9 }])(data)).toBe(false);
    const at2 = (bytes: number[], encoding?: string) => ({
      memcmp: {
        offset: 2,
        bytes:
          encoding === 'base64'
            ? base64.encode(Uint8Array.from(bytes))
            : base58.encode(Uint8Array.from(bytes)),
        ...(encoding ? { encoding } : {}),
      },
    });
    expect(compileFilters([at2([3, 4, 5])])(data)).toBe(true);
    expect(compileFilters([at2([3, 4, 5], 'base58')])(data)).toBe(true);
    expect(compileFilters([at2([3, 4, 5], 'base64')])(data)).toBe(true);
    expect(compileFilters([at2([3, 4, 6])])(data)).toBe(false);
    expect(compileFilters([{ dataSize: 8 }, at2([3, 4])])(data)).toBe(true);
    expect(compileFilters([{ dataSize: 7 }, at2([3, 4])])(data)).toBe(false);
    // Bytes running past the end of the data never match.
    expect(
      compileFilters([{ memcmp: { offset: 6, bytes: base58.encode(Uint8Array.from([7, 8, 0])) } }])(data),
    ).toBe(false);
    expect(compileFilters([{ memcmp: { offset: 8, bytes: '' } }])(data)).toBe(true);
    // tokenAccountState is accepted and does not narrow anything here.
    expect(compileFilters([{ tokenAccountState: {} }])(data)).toBe(true);
    expect(compileFilters([at2([3])])(data)).toBe(true);
    expect(compileFilters([at2([4])])(data)).toBe(false);
  });

  it('refuse unsupported and malformed filters with invalid-params errors before reading any account', () => {
    const invalid = (filters: unknown) => {
      try {
        compileFilters(filters as Array<Record<string, unknown>>);
      } catch (error) {
        expect(error).toBeInstanceOf(RpcError);
        return (error as RpcError).code;
      }
      return 'accepted';
    };
    expect(invalid([{ foo: 1 }])).toBe(-32602);
    expect(invalid([{ memcmp: { offset: 0, bytes: '0OIl' } }])).toBe(-32602);
    expect(invalid([{ memcmp: { offset: 0, bytes: '!!', encoding: 'base64' } }])).toBe(-32602);
    expect(invalid([{ memcmp: { offset: -1, bytes: '1' } }])).toBe(-32602);
    expect(invalid([{ memcmp: { offset: 0, bytes: '1', encoding: 'hex' } }])).toBe(-32602);
    expect(invalid([{ memcmp: { bytes: '1' } }])).toBe(-32602);
    expect(invalid([null])).toBe(-32602);
    expect(invalid({ dataSize: 1 })).toBe(-32602);
  });
});

describe('Bank.programAccounts', () => {
  it('returns every account of a program, or only those whose data passes the filter, with their fields', () => {
    const bank = Bank.create();
    const program = Keypair.generate().publicKey;
    const other = Keypair.generate().publicKey;
    const written = Array.from({ length: 6 }, (_, i) => ({
      address: Keypair.generate().publicKey.toBase58(),
      record: {
        lamports: 1_000_000n + BigInt(i),
        owner: (i === 5 ? other : program).toBase58(),
        data: Uint8Array.from([i % 2, i, 9]),
        executable: false,
      },
    }));
    for (const { address, record } of written) bank.setAccount(address, record);
    const byAddress = (entries: Array<{ address: string }>) => entries.map((e) => e.address).sort();

    const all = bank.programAccounts(program);
    expect(byAddress(all)).toEqual(byAddress(written.slice(0, 5)));
    for (const { address, account } of all)
      expect(account).toEqual(written.find((w) => w.address === address)!.record);
    // A string id and a PublicKey give the same answer.
    expect(byAddress(bank.programAccounts(program.toBase58()))).toEqual(byAddress(all));

    const odd = bank.programAccounts(
      program,
      compileFilters([{ memcmp: { offset: 0, bytes: base58.encode(Uint8Array.of(1)) } }]),
    );
    expect(byAddress(odd)).toEqual(byAddress([written[1]!, written[3]!]));
    for (const { address, account } of odd)
      expect(account).toEqual(written.find((w) => w.address === address)!.record);
    expect(bank.programAccounts(program, () => false)).toEqual([]);
    expect(bank.programAccounts(Keypair.generate().publicKey)).toEqual([]);
    expect(bank.programAccounts(SystemProgram.programId, (d) => d.length === 3)).toEqual([]);
  });
});
