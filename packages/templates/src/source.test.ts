import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNosanaError } from '@nosana/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemplate } from './document.js';
import { renderTemplate } from './render.js';
import { loadTemplateSource } from './source.js';
import type { JobTemplate } from './types.js';

const community: JobTemplate = {
  name: 'hello',
  version: '0.2.0',
  title: 'Hello',
  description: 'Prints a greeting',
  market: { gpu: false, note: 'any market' },
  parameters: [
    { name: 'who', type: 'string', default: 'world', pattern: '[a-z]+', description: 'who to greet' },
  ],
  definition: {
    version: '0.1',
    type: 'container',
    ops: [
      { type: 'container/run', id: 'hello', args: { image: 'busybox:1.35', cmd: ['echo', 'hello {{who}}'] } },
    ],
  },
};

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('loadTemplateSource: a local folder', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'nosana-templates-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('loads every *.json template and renders them', async () => {
    await writeFile(join(folder, 'hello.json'), JSON.stringify(community));
    await writeFile(join(folder, 'README.md'), 'not a template');
    const templates = await loadTemplateSource({ source: folder });
    expect(templates.map((t) => `${t.name}@${t.version}`)).toEqual(['hello@0.2.0']);
    const { definition } = renderTemplate({
      template: findTemplate(templates, 'hello'),
      values: { who: 'nosana' },
    });
    expect(definition.ops[0]).toMatchObject({ args: { cmd: ['echo', 'hello nosana'] } });
  });

  it('fails the source on a template whose definition does not validate, naming the file', async () => {
    const bad = join(folder, 'zz-bad.json');
    await writeFile(
      bad,
      JSON.stringify({ ...community, name: 'bad', definition: { version: '0.1', ops: [] } }),
    );
    const error = await rejection(loadTemplateSource({ source: folder }));
    expect(isNosanaError(error, 'TEMPLATES__INVALID_TEMPLATE')).toBe(true);
    expect(error.message).toContain(bad);
    await rm(bad);
  });

  it('refuses a missing folder', async () => {
    const error = await rejection(loadTemplateSource({ source: join(folder, 'missing') }));
    expect(isNosanaError(error, 'TEMPLATES__SOURCE_REFUSED')).toBe(true);
    expect(error.message).toContain('is not a readable folder (ENOENT)');
  });
});

describe('loadTemplateSource: an HTTP source (loopback server)', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/index.json') {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ templates: [community] }));
      } else if (request.url === '/huge.json') {
        response.write('[');
        response.end(`"${'x'.repeat(4096)}"]`);
      } else if (request.url === '/broken.json') {
        response.statusCode = 503;
        response.end('maintenance');
      } else if (request.url === '/slow.json') {
        response.write('['); // never completes: the client's timeout must end the request
      } else {
        response.statusCode = 404;
        response.end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('loads an index of templates', async () => {
    const templates = await loadTemplateSource({ source: `${base}/index.json` });
    expect(templates.map((t) => t.name)).toEqual(['hello']);
  });

  it.each([
    ['/missing.json', {}, 'TEMPLATES__SOURCE_REFUSED', 'the server answered HTTP 404'],
    ['/huge.json', { maxBytes: 1024 }, 'TEMPLATES__SOURCE_REFUSED', 'larger than 1024 bytes'],
    ['/broken.json', {}, 'TEMPLATES__SOURCE_UNREACHABLE', 'the server answered HTTP 503'],
    ['/slow.json', { timeoutMs: 300 }, 'TEMPLATES__SOURCE_UNREACHABLE', 'no complete answer within 300 ms'],
  ] as const)('refuses %s (%s)', async (path, options, code, reason) => {
    const error = await rejection(loadTemplateSource({ source: `${base}${path}`, ...options }));
    expect(isNosanaError(error, code)).toBe(true);
    expect(error.message).toContain(reason);
  });

  it('reports a port where nothing listens as unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await rejection(loadTemplateSource({ source: `http://127.0.0.1:${port}/index.json` }));
    expect(isNosanaError(error, 'TEMPLATES__SOURCE_UNREACHABLE')).toBe(true);
  });

  it('accepts only http(s) URLs', async () => {
    const error = await rejection(loadTemplateSource({ source: 'file:///etc/passwd' }));
    expect(isNosanaError(error, 'TEMPLATES__SOURCE_REFUSED')).toBe(true);
    expect(error.message).toContain('only http:// and https:// sources are accepted, not file://');
  });
});
