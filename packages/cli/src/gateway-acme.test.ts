import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commandDnsHook } from './gateway-acme.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An executable hook that appends its arguments to a file, failing on `remove` when asked. */
function hook(failRemove = false) {
  const dir = mkdtempSync(join(tmpdir(), 'nosana-dns-hook-'));
  dirs.push(dir);
  const path = join(dir, 'hook.sh');
  writeFileSync(
    path,
    `#!/bin/sh\necho "$@" >> ${join(dir, 'calls')}\n${failRemove ? '[ "$1" = remove ] && { echo "provider said no" >&2; exit 3; }\n' : ''}exit 0\n`,
  );
  chmodSync(path, 0o755);
  return { path, calls: () => readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n') };
}

describe('commandDnsHook', () => {
  it('runs the operator’s executable with the action, the record name and the value', async () => {
    const h = hook();
    const dns = commandDnsHook(h.path);
    await dns.set('_acme-challenge.node.example.com', 'abc');
    await dns.remove('_acme-challenge.node.example.com', 'abc');
    expect(h.calls()).toEqual([
      'set _acme-challenge.node.example.com abc',
      'remove _acme-challenge.node.example.com abc',
    ]);
  });

  it('fails with the hook, the action, its exit code and what it printed on stderr', async () => {
    const h = hook(true);
    await expect(commandDnsHook(h.path).remove('_acme-challenge.x.test', 'v')).rejects.toThrow(
      /DNS hook .*hook\.sh remove _acme-challenge\.x\.test failed \(3\): provider said no/,
    );
  });
});
