import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { NetworkCommand } from '../../network-command.js';
import { details } from '../../output.js';

/** What `nosana gateway start --json` prints once the gateway listens (and returns when it stops). */
export interface GatewayStartResult {
  /** The gateway's own address: hosts open their tunnels here. */
  url: string;
  domain: string;
  listen: string;
  /** Service URLs look like this, with `<service-id>` replaced. */
  serviceUrl: string;
  /** With --tls-local-ca: the CA certificate clients must trust. */
  caCertPath?: string;
  /** With --acme: when the certificate in use expires (ISO 8601); it is renewed 30 days before. */
  certificateExpires?: string;
  network: string;
}

export default class GatewayStart extends NetworkCommand<GatewayStartResult> {
  static override summary = "run a service gateway: public URLs for jobs' exposed ports";
  static override description =
    `Serves https://<service-id>.<domain> (or http, without certificates) for the services jobs expose. Hosts reach it with outbound tunnels only (no inbound port needed); the gateway accepts a service only from the host the chain says runs the job, routes only to endpoints whose health checks pass (503 "starting" before), and publishes registered/online/offline/unregistered events as Server-Sent Events on /_gateway/events.

Any number of gateways can run behind one DNS name: each one's routing table is rebuilt from the tunnels it holds and the chain. Runs until Ctrl-C (or SIGTERM).`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --tls-local-ca ~/.nosana/gateway-ca',
    '<%= config.bin %> <%= command.id %> --listen 0.0.0.0:443 --domain node.example.com --tls-cert fullchain.pem --tls-key privkey.pem --network mainnet',
    '<%= config.bin %> <%= command.id %> --listen 0.0.0.0:443 --domain node.example.com --acme letsencrypt --acme-email ops@example.com --acme-dns-hook /etc/nosana/dns-hook.sh --network mainnet',
  ];
  static override flags = {
    domain: Flags.string({
      summary:
        'wildcard domain of the services: <service-id>.<domain> (localhost: *.localhost resolves to loopback)',
      default: 'localhost',
    }),
    listen: Flags.string({ summary: 'address and port to listen on', default: '127.0.0.1:8080' }),
    'tls-cert': Flags.string({
      summary: 'PEM certificate (chain) for *.<domain>; serves HTTPS',
      dependsOn: ['tls-key'],
    }),
    'tls-key': Flags.string({ summary: 'PEM private key of --tls-cert', dependsOn: ['tls-cert'] }),
    'tls-local-ca': Flags.string({
      summary:
        'serve HTTPS (and HTTP/2) with a local CA kept in this directory (created 0600 on first use); clients trust <dir>/ca.crt',
      exclusive: ['tls-cert'],
    }),
    acme: Flags.string({
      summary:
        'get the *.<domain> certificate from an ACME CA and renew it: letsencrypt, letsencrypt-staging or a directory URL',
      description:
        'A wildcard certificate needs the DNS-01 challenge: --acme-dns-hook sets the _acme-challenge TXT record. The account key, certificate and key are kept (0600) in --acme-dir and reused; the certificate is renewed 30 days before it expires without a restart.',
      exclusive: ['tls-cert', 'tls-local-ca'],
      dependsOn: ['acme-email', 'acme-dns-hook'],
    }),
    'acme-email': Flags.string({ summary: 'contact address of the ACME account (expiry notices)' }),
    'acme-dns-hook': Flags.string({
      summary: 'executable that sets and removes DNS TXT records: called as <hook> set|remove <name> <value>',
    }),
    'acme-dir': Flags.string({
      summary: 'where the ACME account key and the certificate are kept',
      default: '~/.nosana/gateway-acme',
    }),
    'acme-ca': Flags.string({ summary: 'PEM file of a CA to trust for the ACME directory (a private CA)' }),
    'public-port': Flags.integer({
      summary: 'port clients use, when a load balancer sits in front',
      min: 1,
      max: 65535,
    }),
    'chain-ttl': Flags.integer({
      summary: 'seconds an answer of the chain is cached (who runs a job); an ended job is dropped within it',
      default: 10,
      min: 1,
      max: 300,
    }),
  };

  async run(): Promise<GatewayStartResult> {
    const { flags } = await this.parse(GatewayStart);
    const { NosanaError } = await import('@nosana/core');
    const match = /^(.*):(\d{1,5})$/.exec(flags.listen);
    const port = Number(match?.[2]);
    if (!match || port > 65535)
      throw new NosanaError(
        'CLI__INVALID_FLAG',
        `--listen "${flags.listen}" is not <address>:<port>; give e.g. 0.0.0.0:443 or 127.0.0.1:8080`,
        { flag: 'listen', value: flags.listen },
      );
    const listenHost = (match[1] as string).replace(/^\[(.*)\]$/, '$1');
    const tls = flags['tls-cert']
      ? { cert: readFileSync(flags['tls-cert']), key: readFileSync(flags['tls-key'] as string) }
      : undefined;
    const client = await this.client(flags, { wallet: 'none' });
    const { cachedChainReader, createChainReader, ensureLocalCa, startGateway } = await import(
      '@nosana/gateway'
    );
    const localCa = flags['tls-local-ca']
      ? ensureLocalCa({ dir: flags['tls-local-ca'], domain: flags.domain })
      : null;
    const acme = flags.acme ? await this.acme(flags as typeof flags & { acme: string }) : null;
    const acmeCertificate = acme ? await acme.current() : null;
    const gateway = await startGateway({
      domain: flags.domain,
      listen: { host: listenHost, port },
      chain: cachedChainReader({ reader: createChainReader({ client }), ttlMs: flags['chain-ttl'] * 1000 }),
      ...(tls ? { tls } : localCa ? { tls: localCa.tls } : acmeCertificate ? { tls: acmeCertificate } : {}),
      ...(flags['public-port'] ? { publicPort: flags['public-port'] } : {}),
    });
    const stopRenewing = acme?.keepRenewed({
      onRenewed: (certificate) => {
        gateway.setCertificate(certificate);
        this.log(`certificate renewed: valid until ${new Date(certificate.notAfter).toISOString()}`);
      },
      onError: (error) => this.warnUser(`certificate renewal failed (tried again later): ${error.message}`),
    });
    const result: GatewayStartResult = {
      url: gateway.url,
      domain: gateway.domain,
      listen: `${listenHost}:${gateway.port}`,
      serviceUrl: gateway.serviceUrl('<service-id>'),
      network: client.network.name,
      ...(localCa ? { caCertPath: localCa.caCertPath } : {}),
      ...(acmeCertificate ? { certificateExpires: new Date(acmeCertificate.notAfter).toISOString() } : {}),
    };
    this.log(
      details([
        ['gateway', gateway.url],
        ['listening', result.listen],
        ['services', result.serviceUrl],
        ['network', result.network],
        ['events', `${gateway.url}/_gateway/events`],
        ...(localCa ? [['CA certificate', localCa.caCertPath] as [string, string]] : []),
        ...(result.certificateExpires
          ? [['certificate until', result.certificateExpires] as [string, string]]
          : []),
      ]),
    );
    const unsubscribe = gateway.subscribe((event) => {
      if (!this.jsonEnabled())
        this.log(
          `${event.type} ${event.serviceId} (job ${event.job}, op ${event.opIndex}, port ${event.port}${event.reason ? `, ${event.reason}` : ''})`,
        );
    });
    this.printEnvelopeNow(result);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    unsubscribe();
    stopRenewing?.();
    await gateway.close();
    return result;
  }

  /** --acme: the certificates from the CA (directory, account, DNS hook from the flags). */
  private async acme(flags: {
    acme: string;
    domain: string;
    'acme-email'?: string;
    'acme-dns-hook'?: string;
    'acme-dir': string;
    'acme-ca'?: string;
  }) {
    const { gatewayAcme } = await import('../../gateway-acme.js');
    const { homedir } = await import('node:os');
    return gatewayAcme({
      directory: flags.acme,
      domain: flags.domain,
      email: flags['acme-email'] as string,
      hook: flags['acme-dns-hook'] as string,
      dir: flags['acme-dir'].replace(/^~(?=$|\/)/, homedir()),
      ...(flags['acme-ca'] ? { caFile: flags['acme-ca'] } : {}),
    });
  }
}
