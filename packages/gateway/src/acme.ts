/**
 * The gateway's certificate from an ACME CA (Let's Encrypt, ZeroSSL, …) with `acme-client`: one wildcard
 * certificate for `*.<domain>` and `<domain>`, which needs the DNS-01 challenge — the operator's DNS hook sets and
 * removes the `_acme-challenge` TXT record. The account key, certificate and key are kept (0600) in a directory and
 * reused across restarts; the certificate is renewed before it expires and handed to the running gateway.
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { NosanaError } from '@nosana/core';
import './errors.js';

/** Sets and removes the DNS TXT record of a DNS-01 challenge (`name` is `_acme-challenge.<domain>`). */
export interface AcmeDnsHook {
  set(name: string, value: string): Promise<void>;
  remove(name: string, value: string): Promise<void>;
}

/** Parameters of {@link createAcmeCertificates}. */
export interface CreateAcmeCertificatesParameters {
  /** The ACME directory, e.g. `https://acme-v02.api.letsencrypt.org/directory`. */
  directoryUrl: string;
  /** The gateway's domain: the certificate is for `*.<domain>` and `<domain>`. */
  domain: string;
  /** The account's contact (the CA's expiry notices). */
  email: string;
  /** Where the account key, certificate and key are kept (created 0700; files 0600). */
  dir: string;
  dns: AcmeDnsHook;
  /** Renew when the certificate expires within this. Default 30 days. */
  renewBeforeMs?: number;
  /** PEM of a CA to trust for the directory's HTTPS (a private or test CA). Applies to every ACME request here. */
  directoryCa?: string;
  /**
   * Check through this machine's resolver that the TXT record is visible before asking the CA to validate (default
   * true; false when the CA resolves through a DNS server this machine does not use, as in tests).
   */
  verifyDns?: boolean;
  now?: () => number;
}

/** A certificate and its key (PEM), with when it expires. */
export interface GatewayCertificate {
  cert: string;
  key: string;
  /** Unix ms. */
  notAfter: number;
}

/** The gateway's ACME certificates. */
export interface AcmeCertificates {
  /** The kept certificate when it is still good, else a new one from the CA (kept for next time). */
  current(): Promise<GatewayCertificate>;
  /**
   * Checks every `checkMs` (default 12 h) and renews when due, calling `onRenewed` with the new certificate (give
   * it to `gateway.setCertificate`); a failed renewal is reported to `onError` and tried again at the next check.
   * Returns the function that stops it.
   */
  keepRenewed(parameters: {
    onRenewed: (certificate: GatewayCertificate) => void;
    onError?: (error: Error) => void;
    checkMs?: number;
  }): () => void;
}

const DAY = 24 * 3600_000;

/**
 * ACME certificates for a gateway.
 *
 * @example
 * ```ts
 * const acme = createAcmeCertificates({ directoryUrl, domain: 'node.example.com', email, dir, dns });
 * const gateway = await startGateway({ domain: 'node.example.com', chain, tls: await acme.current() });
 * acme.keepRenewed({ onRenewed: (certificate) => gateway.setCertificate(certificate) });
 * ```
 */
export function createAcmeCertificates(parameters: CreateAcmeCertificatesParameters): AcmeCertificates {
  const { dir, domain } = parameters;
  const now = parameters.now ?? Date.now;
  const renewBeforeMs = parameters.renewBeforeMs ?? 30 * DAY;
  const files = { account: join(dir, 'account.key'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  const kept = (): GatewayCertificate | null => {
    if (!existsSync(files.cert) || !existsSync(files.key)) return null;
    const cert = readFileSync(files.cert, 'utf8');
    const parsed = new X509Certificate(cert);
    if (!parsed.checkHost(`x.${domain}`) || !parsed.checkHost(domain)) return null;
    return { cert, key: readFileSync(files.key, 'utf8'), notAfter: Date.parse(parsed.validTo) };
  };
  const due = (certificate: GatewayCertificate | null) =>
    !certificate || certificate.notAfter - now() <= renewBeforeMs;
  let ordering: Promise<GatewayCertificate> | null = null;
  const order = () => {
    ordering ??= orderCertificate(parameters, files).finally(() => {
      ordering = null;
    });
    return ordering;
  };
  return {
    async current() {
      const certificate = kept();
      return due(certificate) ? order() : certificate!;
    },
    keepRenewed({ onRenewed, onError, checkMs = 12 * 3600_000 }) {
      const timer = setInterval(() => {
        if (!due(kept())) return;
        order().then(onRenewed, (error: Error) => onError?.(error));
      }, checkMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

/** One order with the CA: DNS-01 for `*.<domain>` and `<domain>`; the result written to `files`. */
async function orderCertificate(
  parameters: CreateAcmeCertificatesParameters,
  files: { account: string; cert: string; key: string },
): Promise<GatewayCertificate> {
  const acme = await import('acme-client');
  const { domain, dns } = parameters;
  mkdirSync(parameters.dir, { recursive: true, mode: 0o700 });
  if (parameters.directoryCa) acme.axios.defaults.httpsAgent = new Agent({ ca: parameters.directoryCa });
  if (!existsSync(files.account))
    writeSecret(files.account, (await acme.crypto.createPrivateKey()).toString());
  const client = new acme.Client({
    directoryUrl: parameters.directoryUrl,
    accountKey: readFileSync(files.account, 'utf8'),
  });
  const [key, csr] = await acme.crypto.createCsr({ altNames: [`*.${domain}`, domain] });
  const record = (authz: { identifier: { value: string } }) => `_acme-challenge.${authz.identifier.value}`;
  let cert: string;
  try {
    cert = await client.auto({
      csr,
      email: parameters.email,
      termsOfServiceAgreed: true,
      challengePriority: ['dns-01'],
      skipChallengeVerification: parameters.verifyDns === false,
      challengeCreateFn: (authz, _challenge, value) => dns.set(record(authz), value),
      challengeRemoveFn: (authz, _challenge, value) => dns.remove(record(authz), value),
    });
  } catch (cause) {
    throw new NosanaError(
      'GATEWAY__ACME_FAILED',
      `the ACME CA at ${parameters.directoryUrl} did not issue a certificate for *.${domain}: ${(cause as Error).message} — check the DNS hook (it must set the _acme-challenge TXT record) and the directory URL`,
      { directoryUrl: parameters.directoryUrl, domain },
      { cause },
    );
  }
  writeSecret(files.key, key.toString());
  writeSecret(files.cert, cert);
  return { cert, key: key.toString(), notAfter: Date.parse(new X509Certificate(cert).validTo) };
}

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}
