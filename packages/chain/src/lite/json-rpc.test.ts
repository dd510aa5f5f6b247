import type { IncomingMessage, ServerResponse } from 'node:http';
import { isNosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { loopbackServers } from '../../test/loopback.js';
import { jsonRpc } from './json-rpc.js';

const servers = loopbackServers();

/** A loopback server answering every request, once its body is in, with `answer`. */
const serve = (answer: (request: IncomingMessage, body: string, response: ServerResponse) => void) =>
  servers.serve((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => answer(request, body, response));
  });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ code: 'resolved', message: '' }),
    (error: unknown) =>
      isNosanaError(error)
        ? { code: error.code, message: error.message }
        : { code: String(error), message: '' },
  );

describe('jsonRpc', () => {
  it('posts one JSON-RPC 2.0 request and resolves with its result', async () => {
    const seen: unknown[] = [];
    const { url } = await serve((request, body, response) => {
      seen.push({ method: request.method, type: request.headers['content-type'], body: JSON.parse(body) });
      response.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { value: null } }));
    });
    expect(await jsonRpc({ url, method: 'getAccountInfo', params: ['x', { encoding: 'base64' }] })).toEqual({
      value: null,
    });
    expect(seen).toEqual([
      {
        method: 'POST',
        type: 'application/json',
        body: { jsonrpc: '2.0', id: 1, method: 'getAccountInfo', params: ['x', { encoding: 'base64' }] },
      },
    ]);
  });

  it('reports a JSON-RPC error as CHAIN__RPC_ERROR with the method and the message', async () => {
    const { url } = await serve((_, __, response) =>
      response.end(
        JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } }),
      ),
    );
    const { code, message } = await failure(jsonRpc({ url, method: 'localnet_info', params: [] }));
    expect(code).toBe('CHAIN__RPC_ERROR');
    expect(message).toContain('localnet_info failed');
    expect(message).toContain('Method not found');
  });

  it('reports what makes an endpoint unusable as CHAIN__RPC_UNREACHABLE, saying why', async () => {
    const cases: Array<[string, (response: ServerResponse) => void, string]> = [
      ['HTTP 502', (r) => r.writeHead(502).end('bad gateway'), 'HTTP 502'],
      ['not JSON', (r) => r.end('<html>'), 'not JSON'],
      ['too large', (r) => r.end(`{"result":"${'x'.repeat(4096)}"}`), 'over 1024 bytes'],
    ];
    for (const [name, answer, expected] of cases) {
      const { url } = await serve((_, __, response) => answer(response));
      const { code, message } = await failure(
        jsonRpc({ url, method: 'getSlot', params: [], maxBytes: 1024 }),
      );
      expect({ name, code, says: message.includes(expected) }).toEqual({
        name,
        code: 'CHAIN__RPC_UNREACHABLE',
        says: true,
      });
    }
  });

  it('gives up on a server that never answers, and on a closed port', async () => {
    const { url, close } = await serve(() => {
      // Never answers.
    });
    const silent = await failure(jsonRpc({ url, method: 'getSlot', params: [], timeoutMs: 200 }));
    expect(silent.code).toBe('CHAIN__RPC_UNREACHABLE');
    expect(silent.message).toContain('no answer in 200 ms');
    await close();
    expect((await failure(jsonRpc({ url, method: 'getSlot', params: [] }))).code).toBe(
      'CHAIN__RPC_UNREACHABLE',
    );
  });

  it('refuses a URL that is not http or https before sending anything', async () => {
    for (const url of ['ftp://127.0.0.1/', 'not a url'])
      expect((await failure(jsonRpc({ url, method: 'getSlot', params: [] }))).code).toBe(
        'CHAIN__RPC_UNREACHABLE',
      );
  });
});
