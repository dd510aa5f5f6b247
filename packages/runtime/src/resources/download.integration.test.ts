import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { isNosanaError, type NosanaErrorCode, type Resource } from '@nosana/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHubServer, startS3Server, startServer, type TestServer } from '../../test/resource-servers.js';
import { type DownloadOptions, downloadResource } from './download.js';

/*
 * Downloads against real HTTP servers on loopback. Hosts refuse loopback by default, so the legitimate downloads
 * opt in with `allow`, and the same downloads without it are refused. Every test downloads into a scratch parent
 * nested two levels inside a directory of its own, and checks that nothing was written anywhere in that tree
 * except the download directory (removed by cleanup). TMPDIR points there too, so even a download that ignored
 * `scratchDir` would be caught.
 */
const secret = 'node api token';
let files: TestServer;
let other: TestServer;
let base: string;
let scratchDir: string;
const savedTmpdir = process.env.TMPDIR;
const systemTmp = tmpdir();
const restoreTmpdir = () => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
};

const tree = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => relative(dir, join(dir, p)))
    .sort();

beforeAll(async () => {
  files = await startServer((request, response) => {
    if (request.url === '/weights.bin')
      response.writeHead(200, { 'content-length': '11' }).end('weights v1\n');
    else if (request.url === '/secret') response.writeHead(200).end(secret);
    else if (request.url === '/to-other-loopback')
      response.writeHead(302, { location: `${other.url}/secret` }).end();
    else if (request.url === '/hang') request.on('close', () => response.destroy());
    else if (request.url === '/stall') {
      response.writeHead(200, { 'content-length': '1000' }).write('first bytes');
      request.on('close', () => response.destroy());
    } else response.writeHead(404).end();
  });
  // a second server on another loopback address, which the operator did not allow
  other = await startServer((_request, response) => response.writeHead(200).end(secret), '127.0.0.2');
});

afterAll(async () => {
  await files?.close();
  await other?.close();
});

beforeEach(() => {
  base = mkdtempSync(join(systemTmp, 'nosana-download-it-'));
  scratchDir = join(base, 'a', 'b');
  mkdirSync(scratchDir, { recursive: true });
  process.env.TMPDIR = scratchDir;
  files.requests.length = 0;
  other.requests.length = 0;
});

afterEach(() => {
  restoreTmpdir();
  rmSync(base, { recursive: true, force: true });
});

async function refusal(resource: Resource, code: NosanaErrorCode, options: DownloadOptions = {}) {
  const error = await downloadResource(resource, 'op1', { scratchDir, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isNosanaError(error, code), String(error)).toBe(true);
  // nothing written anywhere around the download directory
  expect(tree(base)).toEqual(['a', 'a/b']);
  return error as Error & { context: Record<string, string> };
}

describe('downloadResource: file names', () => {
  it('downloads an S3 prefix (paged listing, SigV4-signed requests) into the scratch directory and cleans up', async () => {
    const s3 = await startS3Server(
      { bucket: { 'models/a.bin': 'A', 'models/sub/b.bin': 'BB', 'other/c.bin': 'C' } },
      { pageSize: 1, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret', region: 'eu-west-1' } },
    );
    const resource = (secret: string): Resource => ({
      type: 'S3',
      url: 's3://bucket/models',
      target: '/data',
      IAM: { REGION: 'eu-west-1', ACCESS_KEY_ID: 'AKID', SECRET_ACCESS_KEY: secret },
    });
    const s3Endpoint = (bucket: string) => `${s3.url}/${bucket}`;
    try {
      const denied = await refusal(resource('wrong'), 'RUNTIME__RESOURCE_FAILED', {
        allow: ['127.0.0.1'],
        s3Endpoint,
      });
      expect(denied.message).toContain('listing s3://bucket/models answered 403');
      const downloaded = await downloadResource(resource('secret'), 'op1', {
        scratchDir,
        allow: ['127.0.0.1'],
        s3Endpoint,
      });
      expect(downloaded.files.map((f) => [f.name, readFileSync(f.path, 'utf8'), f.size])).toEqual([
        ['a.bin', 'A', 1],
        ['sub/b.bin', 'BB', 2],
      ]);
      const [scratch] = readdirSync(scratchDir);
      expect(tree(base)).toEqual([
        'a',
        'a/b',
        `a/b/${scratch}`,
        `a/b/${scratch}/files`,
        `a/b/${scratch}/files/a.bin`,
        `a/b/${scratch}/files/sub`,
        `a/b/${scratch}/files/sub/b.bin`,
      ]);
      downloaded.cleanup();
      expect(tree(base)).toEqual(['a', 'a/b']);
    } finally {
      await s3.close();
    }
  });

  it.each([
    ['../../x', ''],
    ['../../../../escaped', ''],
    ['models/../../x', 'models'],
    ['/etc/cron.d/nosana', ''],
  ])('refuses an S3 listing with <Key>%s</Key> (prefix %j), downloading nothing', async (key, prefix) => {
    const s3 = await startS3Server({ bucket: { 'models/ok.bin': 'ok', [key]: 'pwned' } });
    try {
      const error = await refusal(
        { type: 'S3', url: `s3://bucket/${prefix}`, target: '/data' },
        'RUNTIME__RESOURCE_UNSAFE_PATH',
        { allow: ['127.0.0.1'], s3Endpoint: (bucket) => `${s3.url}/${bucket}` },
      );
      expect(error.context).toMatchObject({ op: 'op1', resource: `s3://bucket/${prefix}` });
      expect(error.message).toMatch(/was refused: file name .* \(the listing of s3:\/\/bucket\//);
      // only the listing was read: no object, the good one included
      expect(s3.requests.map((r) => r.path.split('?')[0])).toEqual(['/bucket/']);
    } finally {
      await s3.close();
    }
  });

  it('refuses S3 `files` entries with "..", absolute paths or over-long names', async () => {
    const s3 = await startS3Server({ bucket: { x: 'x' } });
    try {
      const options = { allow: ['127.0.0.1'], s3Endpoint: (bucket: string) => `${s3.url}/${bucket}` };
      for (const name of ['../../x', '/root/.ssh/authorized_keys', 'n'.repeat(256), 'a\0b']) {
        const error = await refusal(
          { type: 'S3', url: 's3://bucket/p', files: ['x', name], target: '/data' },
          'RUNTIME__RESOURCE_UNSAFE_PATH',
          options,
        );
        expect(error.context.name).toBe(name);
      }
      expect(s3.requests).toEqual([]);
    } finally {
      await s3.close();
    }
  });

  it('downloads a Hugging Face repository through its CDN redirect, and refuses a listing with traversal', async () => {
    const hub = await startHubServer(
      'org/model',
      [
        { type: 'file', path: 'config.json' },
        { type: 'directory', path: 'w' },
        { type: 'file', path: 'w/weights.bin' },
      ],
      { 'config.json': '{}', 'w/weights.bin': 'W' },
    );
    const hostile = await startHubServer(
      'org/model',
      [
        { type: 'file', path: 'config.json' },
        { type: 'file', path: '../../../../root/.bashrc' },
      ],
      { 'config.json': '{}' },
    );
    try {
      const downloaded = await downloadResource(
        { type: 'HF', repo: 'org/model', target: '/models', accessToken: 'hf_token' },
        'op1',
        { scratchDir, allow: ['127.0.0.1'], huggingFaceUrl: hub.url },
      );
      expect(downloaded.files.map((f) => [f.name, readFileSync(f.path, 'utf8')])).toEqual([
        ['config.json', '{}'],
        ['w/weights.bin', 'W'],
      ]);
      expect(hub.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
        ['/api/models/org/model/tree/main?recursive=1', 'Bearer hf_token'],
        ['/org/model/resolve/main/config.json', 'Bearer hf_token'],
        ['/cdn/config.json', 'Bearer hf_token'],
        ['/org/model/resolve/main/w/weights.bin', 'Bearer hf_token'],
        ['/cdn/w/weights.bin', 'Bearer hf_token'],
      ]);
      downloaded.cleanup();
      const error = await refusal(
        { type: 'HF', repo: 'org/model', target: '/models' },
        'RUNTIME__RESOURCE_UNSAFE_PATH',
        {
          allow: ['127.0.0.1'],
          huggingFaceUrl: hostile.url,
        },
      );
      expect(error.context).toMatchObject({
        resource: 'hf:org/model',
        name: '../../../../root/.bashrc',
        reason: 'has a ".." segment',
      });
      expect(hostile.requests.map((r) => r.path)).toEqual(['/api/models/org/model/tree/main?recursive=1']);
    } finally {
      await hub.close();
      await hostile.close();
    }
  });

  it('refuses a URL resource whose target does not end in a file name', async () => {
    await refusal(
      { type: 'URL', url: `${files.url}/weights.bin`, target: '/models/..' },
      'RUNTIME__RESOURCE_UNSAFE_PATH',
      {
        allow: ['127.0.0.1'],
      },
    );
    expect(files.requests).toEqual([]);
  });
});

describe('downloadResource: addresses', () => {
  it('downloads from loopback only when the operator allows it', async () => {
    const resource: Resource = { type: 'URL', url: `${files.url}/weights.bin`, target: '/m/weights.bin' };
    const error = await refusal(resource, 'RUNTIME__RESOURCE_ADDRESS_REFUSED');
    expect(error.context).toMatchObject({ op: 'op1', address: '127.0.0.1', url: `${files.url}/weights.bin` });
    expect(error.message).toContain('a host operator can allow more with the download allow list');
    expect(files.requests).toEqual([]);
    for (const allow of [['127.0.0.1'], ['127.0.0.0/8'], ['::ffff:127.0.0.1']]) {
      const downloaded = await downloadResource(resource, 'op1', { scratchDir, allow });
      expect(readFileSync(downloaded.files[0]!.path, 'utf8')).toBe('weights v1\n');
      downloaded.cleanup();
    }
  });

  it.each([
    ['http://0x7f.1:PORT/secret'],
    ['http://2130706433:PORT/secret'],
    ['http://[::ffff:127.0.0.1]:PORT/secret'],
    ['http://localhost.:PORT/secret'],
    ['http://localhost:PORT/secret'],
  ])('refuses %s (the file server) by default', async (template) => {
    const url = template.replace('PORT', String(files.port));
    await refusal({ type: 'URL', url, target: '/m/x' }, 'RUNTIME__RESOURCE_ADDRESS_REFUSED');
    expect(files.requests).toEqual([]);
  });

  it('refuses S3 and Hugging Face endpoints on loopback by default, before any request', async () => {
    const s3 = await startS3Server({ bucket: { k: 'v' } });
    try {
      await refusal({ type: 'S3', bucket: 'bucket', target: '/d' }, 'RUNTIME__RESOURCE_ADDRESS_REFUSED', {
        s3Endpoint: (bucket) => `${s3.url}/${bucket}`,
      });
      await refusal({ type: 'HF', repo: 'org/m', target: '/d' }, 'RUNTIME__RESOURCE_ADDRESS_REFUSED', {
        huggingFaceUrl: s3.url,
      });
      expect(s3.requests).toEqual([]);
    } finally {
      await s3.close();
    }
  });

  it('re-checks redirects: an allowed host redirecting to an address that is not allowed is refused', async () => {
    const error = await refusal(
      { type: 'URL', url: `${files.url}/to-other-loopback`, target: '/m/x' },
      'RUNTIME__RESOURCE_ADDRESS_REFUSED',
      { allow: ['127.0.0.1'] },
    );
    expect(error.context).toMatchObject({ url: `${other.url}/secret`, address: '127.0.0.2' });
    expect(files.requests.map((r) => r.path)).toEqual(['/to-other-loopback']);
    expect(other.requests).toEqual([]);
  });

  it('checks the address it connects to: a name answering public first and loopback next (DNS rebinding) is refused', async () => {
    const answers: string[] = [];
    const rebinding: DownloadOptions['resolve'] = async () => {
      const address = answers.length === 0 ? '93.184.215.14' : '127.0.0.1';
      answers.push(address);
      return [{ address, family: 4 }];
    };
    const error = await refusal(
      { type: 'URL', url: `http://rebind.test:${files.port}/secret`, target: '/m/x' },
      'RUNTIME__RESOURCE_ADDRESS_REFUSED',
      { resolve: rebinding },
    );
    // the check before the request saw the public answer; the connection's own lookup got loopback and refused it
    expect(answers).toEqual(['93.184.215.14', '127.0.0.1']);
    expect(error.context).toMatchObject({ address: '127.0.0.1' });
    expect(error.context.reason).toMatch(
      /^rebind\.test resolves to 127\.0\.0\.1; 127\.0\.0\.1 is a loopback address/,
    );
    expect(files.requests).toEqual([]);
  });

  it('connects to the address the resolver gave, and a listed host name allows what it resolves to', async () => {
    const resolve: DownloadOptions['resolve'] = async () => [{ address: '127.0.0.1', family: 4 }];
    const resource: Resource = {
      type: 'URL',
      url: `http://files.test:${files.port}/weights.bin`,
      target: '/w',
    };
    await refusal(resource, 'RUNTIME__RESOURCE_ADDRESS_REFUSED', { resolve, allow: ['other.test'] });
    const downloaded = await downloadResource(resource, 'op1', {
      scratchDir,
      resolve,
      allow: ['files.test'],
    });
    expect(readFileSync(downloaded.files[0]!.path, 'utf8')).toBe('weights v1\n');
    expect(files.requests.map((r) => [r.path, r.headers.host])).toEqual([
      ['/weights.bin', `files.test:${files.port}`],
    ]);
    downloaded.cleanup();
  });
});

describe('downloadResource: limits', () => {
  it('caps the bytes of a whole resource, not only of each file', async () => {
    const s3 = await startS3Server({ bucket: { a: 'x'.repeat(600), b: 'y'.repeat(600) } });
    try {
      const error = await refusal(
        { type: 'S3', bucket: 'bucket', target: '/d' },
        'RUNTIME__RESOURCE_FAILED',
        {
          allow: ['127.0.0.1'],
          s3Endpoint: (bucket) => `${s3.url}/${bucket}`,
          maxBytes: 1000,
        },
      );
      expect(error.message).toContain('makes the resource larger than the 1000 bytes allowed');
    } finally {
      await s3.close();
    }
  });

  it('refuses more files than allowed per resource, before downloading any', async () => {
    const s3 = await startS3Server({ bucket: { a: 'a', b: 'b', c: 'c' } });
    try {
      const error = await refusal(
        { type: 'S3', bucket: 'bucket', target: '/d' },
        'RUNTIME__RESOURCE_FAILED',
        {
          allow: ['127.0.0.1'],
          s3Endpoint: (bucket) => `${s3.url}/${bucket}`,
          maxFiles: 2,
        },
      );
      expect(error.message).toContain('more than the 2 allowed per resource');
      expect(s3.requests).toHaveLength(1);
    } finally {
      await s3.close();
    }
  });

  it('gives up on a server that never answers once the resource timeout passes', async () => {
    const error = await refusal(
      { type: 'URL', url: `${files.url}/hang`, target: '/m/x' },
      'RUNTIME__RESOURCE_FAILED',
      {
        allow: ['127.0.0.1'],
        timeoutMs: 200,
      },
    );
    expect(error.message).toContain('not downloaded within 0.2 s');
  });

  it('gives up on a download that stops sending, and removes what it had written', async () => {
    const error = await refusal(
      { type: 'URL', url: `${files.url}/stall`, target: '/m/x' },
      'RUNTIME__RESOURCE_FAILED',
      {
        allow: ['127.0.0.1'],
        idleTimeoutMs: 200,
      },
    );
    expect(error.message).toContain(`${files.url}/stall: nothing received for 0.2 s`);
  });
});
