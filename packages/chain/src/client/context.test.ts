import { Connection } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { closeConnection, connectionWebSocket } from './context.js';

describe('closeConnection (web3.js private WebSocket)', () => {
  it('finds the private `_rpcWebSocket` of web3.js with the methods it calls — fails loudly if an upgrade moves it', () => {
    // Nothing listens on port 1 of loopback; creating the connection opens no socket (web3.js connects lazily).
    const connection = new Connection('http://127.0.0.1:1', { wsEndpoint: 'ws://127.0.0.1:1' });
    const ws = connectionWebSocket(connection);
    expect(ws, 'web3.js no longer has Connection._rpcWebSocket: update connectionWebSocket()').toBeDefined();
    expect(typeof ws?.close).toBe('function');
    expect(typeof ws?.setAutoReconnect).toBe('function');
    expect(() => closeConnection(connection)).not.toThrow();
    expect(() => closeConnection(connection)).not.toThrow();
  });
});
