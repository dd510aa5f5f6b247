import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalCa } from './local-ca.js';

const dir = mkdtempSync(join(tmpdir(), 'nosana-gateway-ca-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ensureLocalCa', () => {
  const first = ensureLocalCa({ dir: join(dir, 'ca') });

  it('creates the CA key and certificate with mode 0600 in a 0700 directory', () => {
    expect(first.created).toBe(true);
    expect(statSync(join(dir, 'ca')).mode & 0o777).toBe(0o700);
    for (const file of ['ca.key', 'ca.crt']) expect(statSync(join(dir, 'ca', file)).mode & 0o777).toBe(0o600);
    const ca = new X509Certificate(first.caCert);
    expect(ca.ca).toBe(true);
    expect(readFileSync(first.caCertPath, 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('signs a leaf for localhost, *.localhost and the loopback addresses', () => {
    const ca = new X509Certificate(first.caCert);
    const leaf = new X509Certificate(first.tls.cert);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.subjectAltName).toContain('DNS:*.localhost');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkPrivateKey(createPrivateKey(first.tls.key))).toBe(true);
  });

  it('reuses the CA on the next start', () => {
    const second = ensureLocalCa({ dir: join(dir, 'ca') });
    expect(second.created).toBe(false);
    expect(second.caCert).toBe(first.caCert);
  });

  it('gives a certificate per service name on SNI, and none for other names', async () => {
    const sni = first.tls.SNICallback;
    expect(sni).toBeTypeOf('function');
    const contextOf = (name: string) =>
      new Promise<unknown>((resolve, reject) =>
        sni?.(name, (error, context) => (error ? reject(error) : resolve(context))),
      );
    const context = await contextOf('AbC123.localhost');
    expect(context).toBeDefined();
    expect(await contextOf('AbC123.localhost')).toBe(context); // cached
    expect(await contextOf('a.b.localhost')).toBeUndefined();
    expect(await contextOf('example.com')).toBeUndefined();
  });

  it('refuses a directory it cannot write, with GATEWAY__INVALID_PARAMETERS', () => {
    expect(() => ensureLocalCa({ dir: join(first.caCertPath, 'nested') })).toThrow(
      expect.objectContaining({ code: 'GATEWAY__INVALID_PARAMETERS' }),
    );
  });
});
