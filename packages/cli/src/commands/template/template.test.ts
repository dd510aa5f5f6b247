import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand as runCli } from '../../../test/run-command.js';

let scratch: string;
let server: Server;
let base: string;

const community = {
  name: 'hello',
  version: '0.1.0',
  title: 'Hello',
  description: 'Prints a greeting',
  market: { gpu: false, note: 'any market' },
  parameters: [{ name: 'who', type: 'string', default: 'world', description: 'who to greet' }],
  definition: {
    version: '0.1',
    type: 'container',
    ops: [
      { type: 'container/run', id: 'hello', args: { image: 'busybox:1.35', cmd: ['echo', 'hi {{who}}'] } },
    ],
  },
};

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'nosana-template-cli-'));
  server = createServer((_, response) => response.end(JSON.stringify([community])));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('nosana template', () => {
  it('lists the built-in templates with the market each needs', async () => {
    const run = await runCli(['template', 'list']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ollama@1\.0\.0 +GPU ≥ 8 GB VRAM +LLM serving with Ollama$/m);
    expect(run.stdout).toMatch(/^web-service@1\.0\.0 +CPU +Web service$/m);
    const json = await runCli(['template', 'list', '--json']);
    const names = json
      .json<{ result: { templates: Array<{ name: string }> } }>()
      .result.templates.map((t) => t.name);
    expect(names).toEqual(['ollama', 'vllm', 'comfyui', 'whisper', 'jupyter', 'python-batch', 'web-service']);
  });

  it('shows a template with its parameters', async () => {
    const run = await runCli(['template', 'show', 'vllm']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('market: GPU ≥ 24 GB VRAM');
    expect(run.stdout).toContain('max-model-len (integer 256..131072, default "4096")');
  });

  it('writes a filled-in definition that job validate accepts', async () => {
    const file = join(scratch, 'job.json');
    const run = await runCli([
      'template',
      'use',
      'ollama',
      '-p',
      'model=qwen2.5:7b',
      '-p',
      'vram=12',
      '-o',
      file,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Wrote ${file}: ollama@1.0.0 with model=qwen2.5:7b, port=11434, vram=12`);
    const definition = JSON.parse(await readFile(file, 'utf8'));
    expect(definition.meta.system_requirements.required_vram).toBe(12);
    expect(definition.ops[0].args.resources).toEqual([{ type: 'Ollama', model: 'qwen2.5:7b' }]);
    const validate = await runCli(['job', 'validate', file]);
    expect(validate.code).toBe(0);
  });

  it('prints the definition on stdout, and in the JSON envelope', async () => {
    const run = await runCli(['template', 'use', 'web-service', '-p', 'port=8081']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).ops[0].args.expose[0].port).toBe(8081);
    const json = await runCli(['template', 'use', 'web-service', '--json']);
    expect(json.json()).toMatchObject({
      status: 'ok',
      result: { template: 'web-service', version: '1.0.0', output: null, values: { port: 8080 } },
    });
  });

  it.each([
    [['template', 'use', 'ollama', '-p', 'port=99999'], 'parameter port of template ollama must be ≤ 65535'],
    [['template', 'use', 'ollama', '-p', 'model'], '--param model is not name=value'],
    [['template', 'show', 'stable-diffusion'], 'no template named "stable-diffusion"; available: ollama'],
    [
      ['template', 'list', '--source', 'ftp://127.0.0.1/x.json'],
      'only http:// and https:// sources are accepted',
    ],
  ])('refuses %j with exit 1 and a clear message', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
  });

  it('a refused source scheme is exit 1 (TEMPLATES__SOURCE_REFUSED), a source that does not answer exit 3', async () => {
    const refused = await runCli(['template', 'list', '--source', 'ftp://127.0.0.1/x.json', '--json']);
    expect(refused.code).toBe(1);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('TEMPLATES__SOURCE_REFUSED');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = await runCli([
      'template',
      'list',
      '--source',
      `http://127.0.0.1:${port}/index.json`,
      '--json',
    ]);
    expect(down.code).toBe(3);
    expect(down.json<{ error: { code: string } }>().error.code).toBe('TEMPLATES__SOURCE_UNREACHABLE');
  });

  it('uses a community source over HTTP and from a folder', async () => {
    const remote = await runCli([
      'template',
      'use',
      'hello',
      '--source',
      `${base}/index.json`,
      '-p',
      'who=you',
    ]);
    expect(remote.code).toBe(0);
    expect(JSON.parse(remote.stdout).ops[0].args.cmd).toEqual(['echo', 'hi you']);
    const folder = join(scratch, 'store');
    await mkdir(folder);
    await writeFile(join(folder, 'hello.json'), JSON.stringify(community));
    const local = await runCli(['template', 'list', '--source', folder]);
    expect(local.code).toBe(0);
    expect(local.stdout).toMatch(/^hello@0\.1\.0 +CPU +Hello$/m);
  });
});
