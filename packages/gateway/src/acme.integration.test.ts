/**
 * The gateway's ACME certificate from a real ACME CA: Pebble (Let's Encrypt's test CA, Debian package `pebble`) on
 * loopback, validating DNS-01 through its challenge test server, whose TXT records the gateway's DNS hook sets. The
 * wildcard certificate is served, kept across restarts, and a renewal reaches the running gateway.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AcmeDnsHook, createAcmeCertificates } from './acme.js';
import { ensureLocalCa } from './local-ca.js';
import { startGateway } from './server.js';

const DOMAIN = 'gw.test';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

let dir: string;
let children: ChildProcess[] = [];
let directoryUrl: string;
let directoryCa: string;
let management: string;
let dnsManagement: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nosana-acme-'));
  const [pebblePort, managementPort, dnsPort, dnsManagementPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  // Pebble's own HTTPS listener: a certificate for localhost from a throwaway CA the ACME client trusts.
  const local = ensureLocalCa({ dir: join(dir, 'pebble-ca'), domain: 'localhost' });
  writeFileSync(join(dir, 'pebble.crt'), local.tls.cert);
  writeFileSync(join(dir, 'pebble.key'), local.tls.key);
  writeFileSync(
    join(dir, 'pebble.json'),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${pebblePort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: join(dir, 'pebble.crt'),
        privateKey: join(dir, 'pebble.key'),
        httpPort: 5002,
        tlsPort: 5001,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  children = [
    spawn(
      'pebble-challtestsrv',
      [
        '-dns01',
        `127.0.0.1:${dnsPort}`,
        '-management',
        `127.0.0.1:${dnsManagementPort}`,
        '-http01',
        '',
        '-https01',
        '',
        '-tlsalpn01',
        '',
      ],
      { stdio: 'ignore' },
    ),
    spawn('pebble', ['-config', join(dir, 'pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`], {
      stdio: 'ignore',
      // No random sleeps nor nonce rejections: the test exercises issuance, not Pebble's chaos.
      env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' },
    }),
  ];
  directoryUrl = `https://localhost:${pebblePort}/dir`;
  directoryCa = local.caCert;
  management = `https://localhost:${managementPort}`;
  dnsManagement = `http://127.0.0.1:${dnsManagementPort}`;
  await until(() => get(`${management}/roots/0`));
  await until(() => fetch(`${dnsManagement}/`).then((r) => r.status > 0));
}, 60_000);
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/** Retries `check` until it resolves truthy (the servers starting). */
async function until(check: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (await check().catch(() => false)) return;
    if (attempt > 200) throw new Error('the ACME test servers did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** GET over HTTPS trusting the test CA (Pebble's management API). */
async function get(url: string): Promise<string> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    request(url, { ca: directoryCa }, (response) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(body))));
    })
      .on('error', reject)
      .end();
  });
}

/** The DNS hook: the challenge test server's TXT records (the DNS Pebble asks). */
function testDns(calls: string[]): AcmeDnsHook {
  const post = async (path: string, body: object) => {
    const response = await fetch(`${dnsManagement}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
  };
  return {
    async set(name, value) {
      calls.push(`set ${name}`);
      await post('/set-txt', { host: `${name}.`, value });
    },
    async remove(name) {
      calls.push(`remove ${name}`);
      await post('/clear-txt', { host: `${name}.` });
    },
  };
}

/** The certificate a TLS client gets from the gateway for `servername`, verified against Pebble's root. */
function served(port: number, servername: string, root: string): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, ca: root }, () => {
      const peer = socket.getPeerX509Certificate();
      socket.end();
      if (!socket.authorized || !peer) return reject(new Error(String(socket.authorizationError)));
      resolve(peer);
    });
    socket.on('error', reject);
  });
}

describe('ACME certificates for the gateway (Pebble)', () => {
  it('gets a wildcard certificate by DNS-01, serves it, keeps it across restarts and hands a renewal to the gateway', async () => {
    const calls: string[] = [];
    const certDir = join(dir, 'gateway-acme');
    const options = {
      directoryUrl,
      directoryCa,
      domain: DOMAIN,
      email: 'ops@gw.test',
      dir: certDir,
      dns: testDns(calls),
      verifyDns: false,
    };
    const acme = createAcmeCertificates(options);
    const first = await acme.current();
    const parsed = new X509Certificate(first.cert);
    expect(parsed.checkHost(`abc.${DOMAIN}`)).toBe(`*.${DOMAIN}`);
    expect(parsed.checkHost(DOMAIN)).toBe(DOMAIN);
    expect(calls.filter((c) => c.startsWith('set'))).toEqual([
      `set _acme-challenge.${DOMAIN}`,
      `set _acme-challenge.${DOMAIN}`,
    ]);
    expect(calls.filter((c) => c.startsWith('remove'))).toHaveLength(2);
    for (const file of ['account.key', 'cert.pem', 'key.pem'])
      expect(statSync(join(certDir, file)).mode & 0o777, file).toBe(0o600);

    // Served, and valid under Pebble's root for any service name of the domain.
    const root = await get(`${management}/roots/0`);
    const gateway = await startGateway({
      domain: DOMAIN,
      chain: { job: async () => null, market: async () => null } as never,
      tls: { cert: first.cert, key: first.key },
    });
    try {
      const peer = await served(gateway.port, `svc1.${DOMAIN}`, root);
      expect(peer.serialNumber).toBe(parsed.serialNumber);

      // A restart reuses the kept certificate: no new order.
      const again = await createAcmeCertificates(options).current();
      expect(again.cert).toBe(first.cert);
      expect(calls.filter((c) => c.startsWith('set'))).toHaveLength(2);

      // Due for renewal (renew within 10 years of expiry; Pebble issues for 5): a new certificate reaches the gateway.
      const renewing = createAcmeCertificates({ ...options, renewBeforeMs: 10 * 365 * 24 * 3600_000 });
      const renewed = await new Promise<{ cert: string; key: string }>((resolve, reject) => {
        const stop = renewing.keepRenewed({
          checkMs: 50,
          onRenewed: (certificate) => {
            stop();
            gateway.setCertificate(certificate);
            resolve(certificate);
          },
          onError: reject,
        });
      });
      const renewedSerial = new X509Certificate(renewed.cert).serialNumber;
      expect(renewedSerial).not.toBe(parsed.serialNumber);
      expect((await served(gateway.port, `svc2.${DOMAIN}`, root)).serialNumber).toBe(renewedSerial);
      expect(readFileSync(join(certDir, 'cert.pem'), 'utf8')).toBe(renewed.cert);
    } finally {
      await gateway.close();
    }
  }, 120_000);

  it('fails with GATEWAY__ACME_FAILED when the DNS hook does not set the record', async () => {
    const acme = createAcmeCertificates({
      directoryUrl,
      directoryCa,
      domain: 'other.test',
      email: 'ops@gw.test',
      dir: join(dir, 'failing'),
      dns: { set: async () => undefined, remove: async () => undefined },
      verifyDns: false,
    });
    await expect(acme.current()).rejects.toMatchObject({ code: 'GATEWAY__ACME_FAILED' });
  }, 120_000);
});
