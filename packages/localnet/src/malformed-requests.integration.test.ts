/**
 * Regression tests for hostile requests against a real localnet (RPC, WebSocket, IPFS): each case used to crash
 * the process, hang the event loop, buffer without bound or never answer.
 */
import { request } from 'node:http';
import { isNosanaError } from '@nosana/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type Localnet, startLocalnet } from './localnet.js';

let localnet: Localnet;
const MAX_RPC_BODY = 64 * 1024;
const MAX_IPFS_BODY = 256 * 1024;

beforeAll(async () => {
  localnet = await startLocalnet({
    dataDir: 'temporary',
    rpcPort: 0,
    ipfsPort: 0,
    maxRpcBodyBytes: MAX_RPC_BODY,
    maxIpfsBodyBytes: MAX_IPFS_BODY,
  });
});

afterAll(async () => {
  await localnet?.close();
});

const post = async (url: string, body: string | Uint8Array, headers: Record<string, string> = {}) => {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: response.status, text: await response.text() };
};
const rpc = (body: string) => post(localnet.rpcUrl, body);
const healthy = async () => {
  expect(await (await fetch(`${localnet.rpcUrl}/health`)).text()).toBe('ok');
  expect((await fetch(`${localnet.ipfsApiUrl}/api/v0/version`, { method: 'POST' })).status).toBe(200);
};

/** Sends `frames` on one WebSocket and collects one answer per frame. */
async function wsAnswers(frames: string[]): Promise<unknown[]> {
  const socket = new WebSocket(localnet.wsUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const answers: unknown[] = [];
  const done = new Promise<void>((resolve) =>
    socket.on('message', (raw) => {
      answers.push(JSON.parse(raw.toString()));
      if (answers.length === frames.length) resolve();
    }),
  );
  for (const frame of frames) socket.send(frame);
  await done;
  socket.close();
  return answers;
}

describe('malformed JSON-RPC bodies answer a JSON-RPC error and nothing else', () => {
  it('null, [null], [], scalars and wrong shapes', async () => {
    const cases: Array<[string, number]> = [
      ['null', -32600],
      ['1', -32600],
      ['"getSlot"', -32600],
      ['[]', -32600],
      ['{"jsonrpc":"2.0","id":{"x":1},"method":"getSlot"}', -32600],
      ['{"jsonrpc":"2.0","id":1,"method":7}', -32600],
      ['{"jsonrpc":"2.0","id":1,"method":"getBalance","params":"x"}', -32602],
      ['{"jsonrpc":"2.0","id":1,"method":"getSignatureStatuses","params":[null]}', -32602],
      ['{"jsonrpc":"2.0","id":1,"method":"localnet_advanceClock","params":["NaN"]}', -32602],
      ['{"jsonrpc":"2.0","id":1,"method":"toString"}', -32601],
      ['{not json', -32700],
    ];
    for (const [body, code] of cases) {
      const { status, text } = await rpc(body);
      expect(status, body).toBe(200);
      expect(JSON.parse(text).error.code, body).toBe(code);
    }
    const batch = JSON.parse((await rpc('[null, {"jsonrpc":"2.0","id":2,"method":"getSlot"}]')).text);
    expect(batch[0].error.code).toBe(-32600);
    expect(batch[1].id).toBe(2);
    expect(typeof batch[1].result).toBe('number');
    await healthy();
  });

  it('WebSocket frames null, [null], non-JSON and unknown methods', async () => {
    const answers = (await wsAnswers([
      'null',
      '[null]',
      'not json',
      '{"jsonrpc":"2.0","id":3,"method":"fooSubscribe","params":[]}',
      '{"jsonrpc":"2.0","id":4,"method":"accountSubscribe","params":[null]}',
      '{"jsonrpc":"2.0","id":5,"method":"accountSubscribe","params":["11111111111111111111111111111111",{"encoding":"base64+zstd"}]}',
    ])) as Array<{ error?: { code: number } } | Array<{ error: { code: number } }>>;
    expect(answers[0]).toMatchObject({ id: null, error: { code: -32600 } });
    expect(answers[1]).toMatchObject([{ id: null, error: { code: -32600 } }]);
    expect(answers[2]).toMatchObject({ id: null, error: { code: -32700 } });
    expect(answers[3]).toMatchObject({ id: 3, error: { code: -32601 } });
    expect(answers[4]).toMatchObject({ id: 4, error: { code: -32602 } });
    expect(answers[5]).toMatchObject({ id: 5, error: { code: -32602 } });
    await healthy();
  });
});

describe('parameters are checked for length before they are decoded', () => {
  it('a 30,000-character address, signature, transaction and memcmp answer -32602 naming the limit', async () => {
    const long = '1'.repeat(30_000); // under the body limit of this localnet
    const calls: Array<[string, unknown[], RegExp]> = [
      ['getBalance', [long], /at most 44/],
      ['getAccountInfo', [long], /at most 44/],
      ['getMultipleAccounts', [[long]], /at most 44/],
      ['getSignatureStatuses', [[long]], /at most 88/],
      ['getTransaction', [long], /at most 88/],
      ['sendTransaction', [long], /at most 1683/],
      ['simulateTransaction', [long, { encoding: 'base64' }], /at most 1644/],
      ['getFeeForMessage', [long], /at most 1644/],
      [
        'getProgramAccounts',
        ['11111111111111111111111111111111', { filters: [{ memcmp: { offset: 0, bytes: long } }] }],
        /at most 175/,
      ],
    ];
    for (const [method, params, limit] of calls) {
      const { text } = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
      const { error } = JSON.parse(text);
      expect(error.code, method).toBe(-32602);
      expect(error.message, method).toMatch(limit);
    }
    await healthy();
  });
});

describe('request bodies are bounded', () => {
  it('a JSON-RPC body over the limit answers 413 with a JSON-RPC error naming the setting', async () => {
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'getSlot',
      params: ['x'.repeat(MAX_RPC_BODY)],
    });
    const { status, text } = await rpc(body);
    expect(status).toBe(413);
    expect(JSON.parse(text).error).toMatchObject({
      code: -32600,
      message: expect.stringMatching(/maxRpcBodyBytes/),
    });
    await healthy();
  });

  it('a chunked JSON-RPC body (no content-length) over the limit answers 413 too', async () => {
    const { status } = await chunkedPost(localnet.rpcUrl, 'application/json', MAX_RPC_BODY * 2);
    expect(status).toBe(413);
    await healthy();
  });

  it('a WebSocket frame over the limit closes that connection only (1009)', async () => {
    const socket = new WebSocket(localnet.wsUrl);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    socket.send('x'.repeat(MAX_RPC_BODY + 1));
    expect(await closed).toBe(1009);
    await healthy();
  });

  it('an IPFS add over the limit answers 413, with or without a content-length', async () => {
    const big = multipartBody('big', new Uint8Array(MAX_IPFS_BODY + 1));
    const withLength = await post(`${localnet.ipfsApiUrl}/api/v0/add`, big.body, {
      'content-type': big.contentType,
    });
    expect(withLength.status).toBe(413);
    expect(JSON.parse(withLength.text).Message).toMatch(/maxIpfsBodyBytes/);
    const chunked = await chunkedPost(
      `${localnet.ipfsApiUrl}/api/v0/add`,
      'multipart/form-data; boundary=b0undary',
      MAX_IPFS_BODY * 2,
      '--b0undary\r\nContent-Disposition: form-data; name="file"; filename="big"\r\n\r\n',
    );
    expect(chunked.status).toBe(413);
    await healthy();
  });
});

describe('IPFS add answers 400 to a body it cannot read', () => {
  it('truncated, boundary-less, empty and non-multipart bodies', async () => {
    const add = `${localnet.ipfsApiUrl}/api/v0/add`;
    const truncated = '--abc\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nhello';
    const cases: Array<[string, string]> = [
      ['multipart/form-data; boundary=abc', truncated],
      ['multipart/form-data', 'hello'],
      ['multipart/form-data; boundary=abc', ''],
      ['text/plain', 'hello'],
    ];
    for (const [contentType, body] of cases) {
      const { status, text } = await post(add, body, { 'content-type': contentType });
      expect(status, `${contentType} ${body}`).toBe(400);
      expect(JSON.parse(text).Type).toBe('error');
    }
    // Nothing was pinned by the failed adds.
    expect(localnet.ipfs.pins()).toEqual([]);
    await healthy();
  });
});

describe('ports', () => {
  it('a taken RPC port fails with LOCALNET__PORT_IN_USE naming the port and how to choose another', async () => {
    const port = Number(new URL(localnet.rpcUrl).port);
    const error = await startLocalnet({ dataDir: 'temporary', rpcPort: port, ipfsPort: 0 }).catch((e) => e);
    expect(isNosanaError(error, 'LOCALNET__PORT_IN_USE')).toBe(true);
    expect(error.context.port).toBe(port);
    expect(error.message).toContain(String(port));
    expect(error.message).toMatch(/--rpc-port/);
  });

  it('a taken IPFS port fails with LOCALNET__PORT_IN_USE', async () => {
    const port = Number(new URL(localnet.ipfsApiUrl).port);
    const error = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: port }).catch((e) => e);
    expect(isNosanaError(error, 'LOCALNET__PORT_IN_USE')).toBe(true);
    expect(error.context.port).toBe(port);
    expect(error.message).toMatch(/--ipfs-port/);
  });
});

function multipartBody(name: string, content: Uint8Array) {
  const head = Buffer.from(
    `--b0undary\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from('\r\n--b0undary--\r\n');
  return {
    body: Buffer.concat([head, content, tail]),
    contentType: 'multipart/form-data; boundary=b0undary',
  };
}

/** POSTs `total` bytes with chunked transfer encoding (no content-length) and resolves with the status. */
function chunkedPost(url: string, contentType: string, total: number, prefix = '') {
  return new Promise<{ status: number }>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': contentType } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    // The server closes the connection after its 413: the rest of the upload is refused, which is the point.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    req.write(prefix);
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
