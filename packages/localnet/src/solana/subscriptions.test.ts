import { Keypair } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { AccountRecord, CommitEvent } from './bank.js';
import { commitNotification, parseSubscription } from './subscriptions.js';

const socket = {} as WebSocket;
const key = () => Keypair.generate().publicKey.toBase58();

describe('parseSubscription', () => {
  it('refuses a malformed logs filter and a mentions list of two', () => {
    expect(() => parseSubscription(socket, 'logs', ['some'])).toThrow(/logs filter must be/);
    expect(() => parseSubscription(socket, 'logs', [{ mentions: [key(), key()] }])).toThrow(
      /exactly one address/,
    );
  });

  it('checks the encoding and filters when subscribing, not when notifying', () => {
    expect(() => parseSubscription(socket, 'account', [key(), { encoding: 'xml' }])).toThrow();
    expect(() =>
      parseSubscription(socket, 'program', [key(), { filters: [{ memcmp: { offset: -1 } }] }]),
    ).toThrow();
    const program = key();
    const parsed = parseSubscription(socket, 'program', [program, { encoding: 'base64' }]);
    expect(parsed).toMatchObject({ kind: 'program', key: program, encoding: 'base64' });
  });
});

describe('commitNotification', () => {
  const event = (over: Partial<CommitEvent>): CommitEvent => ({
    signature: 'sig',
    slot: 7,
    err: null,
    logs: ['Program log: hi'],
    accountKeys: [],
    writable: [],
    ...over,
  });
  const value = (k: string) => ({ read: k });

  it('answers a signature subscription for its own signature only', () => {
    const sub = { socket, kind: 'signature' as const, key: 'sig' };
    expect(commitNotification(sub, event({}), { getAccount: () => null }, value)).toEqual([
      ['signatureNotification', { context: { slot: 7 }, value: { err: null } }],
    ]);
    expect(commitNotification(sub, event({ signature: 'other' }), { getAccount: () => null }, value)).toEqual(
      [],
    );
  });

  it('notifies a program subscription for each written account it owns that matches its filter', () => {
    const program = key();
    const [mine, filtered, foreign] = [key(), key(), key()];
    const accounts: Record<string, AccountRecord> = {
      [mine]: { lamports: 1n, owner: program, data: new Uint8Array([1]), executable: false },
      [filtered]: { lamports: 1n, owner: program, data: new Uint8Array([2]), executable: false },
      [foreign]: { lamports: 1n, owner: key(), data: new Uint8Array([1]), executable: false },
    };
    const sub = { socket, kind: 'program' as const, key: program, matches: (d: Uint8Array) => d[0] === 1 };
    const out = commitNotification(
      sub,
      event({ writable: [mine, filtered, foreign] }),
      { getAccount: (k) => accounts[k.toString()] ?? null },
      value,
    );
    expect(out).toEqual([
      ['programNotification', { context: { slot: 7 }, value: { pubkey: mine, account: { read: mine } } }],
    ]);
  });

  it('filters logs by the one mentioned address', () => {
    const mentioned = key();
    const sub = { socket, kind: 'logs' as const, mentions: mentioned };
    expect(
      commitNotification(sub, event({ accountKeys: [key()] }), { getAccount: () => null }, value),
    ).toEqual([]);
    expect(
      commitNotification(sub, event({ accountKeys: [mentioned] }), { getAccount: () => null }, value),
    ).toHaveLength(1);
  });
});
