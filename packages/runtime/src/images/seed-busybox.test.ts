import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { dockerArchive } from './seed-busybox.js';

async function untar(
  buffer: Buffer,
): Promise<Map<string, { type: string; data: Buffer; linkname?: string | null }>> {
  const files = new Map<string, { type: string; data: Buffer; linkname?: string | null }>();
  const tar = extract();
  const done = new Promise<void>((resolve, reject) => {
    tar.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c) => chunks.push(c as Buffer));
      stream.on('end', () => {
        files.set(header.name, {
          type: header.type ?? 'file',
          data: Buffer.concat(chunks),
          linkname: header.linkname,
        });
        next();
      });
    });
    tar.on('finish', resolve);
    tar.on('error', reject);
  });
  Readable.from([buffer]).pipe(tar);
  await done;
  return files;
}

describe('dockerArchive', () => {
  it('writes a loadable docker-archive: manifest → config → one layer whose digest the config names', async () => {
    const binary = Buffer.from('#!fake busybox');
    const archive = await dockerArchive({ tag: 'x/busybox:test', binary, applets: ['sh', 'echo'] });
    const files = await untar(archive);
    const manifest = JSON.parse(files.get('manifest.json')!.data.toString());
    expect(manifest).toEqual([
      {
        Config: expect.stringMatching(/^[0-9a-f]{64}\.json$/),
        RepoTags: ['x/busybox:test'],
        Layers: ['layer/layer.tar'],
      },
    ]);
    const configBytes = files.get(manifest[0].Config)!.data;
    expect(`${createHash('sha256').update(configBytes).digest('hex')}.json`).toBe(manifest[0].Config);
    const config = JSON.parse(configBytes.toString());
    const layer = files.get('layer/layer.tar')!.data;
    expect(config.rootfs.diff_ids).toEqual([`sha256:${createHash('sha256').update(layer).digest('hex')}`]);
    expect(config.config).toMatchObject({
      Cmd: ['sh'],
      Env: ['PATH=/bin'],
      Labels: { 'org.nosana.seed': 'busybox' },
    });

    const entries = await untar(layer);
    expect(entries.get('bin/busybox')?.data).toEqual(binary);
    expect(entries.get('bin/sh')).toMatchObject({ type: 'symlink', linkname: 'busybox' });
    expect(entries.get('bin/echo')).toMatchObject({ type: 'symlink', linkname: 'busybox' });
    expect(entries.get('etc/passwd')?.data.toString()).toContain('root:x:0:0');
  });

  it('is deterministic: the same inputs give the same bytes (and so the same image id)', async () => {
    const input = { tag: 't:1', binary: Buffer.from('b'), applets: ['sh'] };
    expect((await dockerArchive(input)).equals(await dockerArchive(input))).toBe(true);
  });
});
