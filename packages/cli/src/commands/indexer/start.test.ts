import { describe, expect, it } from 'vitest';
import { wsUrlOf } from './start.js';

describe('wsUrlOf', () => {
  it('puts the WebSocket on the next port with the ws scheme, as Solana validators do', () => {
    expect(wsUrlOf('http://127.0.0.1:8899')).toBe('ws://127.0.0.1:8900');
    expect(wsUrlOf('https://rpc.example.org')).toBe('wss://rpc.example.org');
  });
});
