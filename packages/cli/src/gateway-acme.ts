/**
 * `nosana gateway start --acme`: the gateway's wildcard certificate from an ACME CA, its DNS-01 records set by the
 * operator's hook — an executable called as `<hook> set <name> <value>` and `<hook> remove <name> <value>` (exit 0
 * when done), e.g. a script calling the DNS provider's API.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AcmeCertificates, AcmeDnsHook } from '@nosana/gateway';

/** Directory URLs by short name. */
export const ACME_DIRECTORIES: Record<string, string> = {
  letsencrypt: 'https://acme-v02.api.letsencrypt.org/directory',
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
};

/**
 * The DNS hook that runs the operator's executable (2 minutes at most per call); a failure names the hook, the
 * action and what it printed on stderr.
 *
 * @example
 * ```ts
 * const dns = commandDnsHook('/etc/nosana/dns-hook.sh');
 * await dns.set('_acme-challenge.node.example.com', 'token');
 * ```
 */
export function commandDnsHook(command: string): AcmeDnsHook {
  const run = (action: 'set' | 'remove', name: string, value: string) =>
    new Promise<void>((resolve, reject) => {
      execFile(command, [action, name, value], { timeout: 120_000 }, (error, _stdout, stderr) => {
        if (!error) return resolve();
        reject(
          new Error(
            `the DNS hook ${command} ${action} ${name} failed (${error.code ?? error.signal ?? error.message})${stderr ? `: ${stderr.trim().slice(0, 500)}` : ''}`,
          ),
        );
      });
    });
  return {
    set: (name, value) => run('set', name, value),
    remove: (name, value) => run('remove', name, value),
  };
}

/** Parameters of {@link gatewayAcme}. */
export interface GatewayAcmeParameters {
  /** A directory URL, or `letsencrypt` / `letsencrypt-staging`. */
  directory: string;
  domain: string;
  email: string;
  hook: string;
  dir: string;
  /** PEM file of a CA to trust for the directory (a private CA). */
  caFile?: string;
}

/**
 * The gateway's ACME certificates as `gateway start` flags describe them.
 *
 * @example
 * ```ts
 * const acme = await gatewayAcme({ directory: 'letsencrypt', domain, email, hook, dir });
 * const tls = await acme.current();
 * ```
 */
export async function gatewayAcme(parameters: GatewayAcmeParameters): Promise<AcmeCertificates> {
  const { createAcmeCertificates } = await import('@nosana/gateway');
  return createAcmeCertificates({
    directoryUrl: ACME_DIRECTORIES[parameters.directory] ?? parameters.directory,
    domain: parameters.domain,
    email: parameters.email,
    dir: parameters.dir,
    dns: commandDnsHook(parameters.hook),
    ...(parameters.caFile ? { directoryCa: readFileSync(parameters.caFile, 'utf8') } : {}),
  });
}
