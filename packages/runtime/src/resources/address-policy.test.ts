import { describe, expect, it } from 'vitest';
import { createAddressPolicy, parseAddress, refusedRange } from './address-policy.js';

describe('parseAddress', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['[::1]', '::1'],
    ['::ffff:127.0.0.1', '::ffff:7f00:1'],
    ['[::ffff:7f00:1]', '::ffff:7f00:1'],
  ])('reads %j as %s', (text, address) => {
    expect(parseAddress(text)?.toString()).toBe(address);
  });

  it.each([['example.com'], ['localhost'], ['localhost.'], ['1.2.3.4.5'], ['']])(
    '%j is not an address',
    (text) => {
      expect(parseAddress(text)).toBeUndefined();
    },
  );
});

describe('refusedRange', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.255.254', 'a loopback address'],
    ['0x7f.1', 'a loopback address'],
    ['2130706433', 'a loopback address'],
    ['0.0.0.0', 'the unspecified address'],
    ['0.1.2.3', 'the unspecified address'],
    ['10.0.0.1', 'a private address (RFC 1918)'],
    ['172.16.5.4', 'a private address (RFC 1918)'],
    ['172.31.255.255', 'a private address (RFC 1918)'],
    ['192.168.1.1', 'a private address (RFC 1918)'],
    ['100.64.0.1', 'a carrier-grade NAT address (100.64.0.0/10)'],
    ['100.100.100.200', 'a carrier-grade NAT address (100.64.0.0/10)'],
    ['169.254.169.254', 'a link-local address (cloud metadata lives at 169.254.169.254)'],
    ['224.0.0.1', 'a multicast address'],
    ['255.255.255.255', 'the broadcast address'],
    ['240.0.0.1', 'a reserved address'],
    ['192.0.0.192', 'a reserved address'],
    ['::1', 'a loopback address'],
    ['[::1]', 'a loopback address'],
    ['::', 'the unspecified address'],
    ['fe80::1', 'a link-local address (cloud metadata lives at 169.254.169.254)'],
    ['fc00::1', 'a unique local IPv6 address (fc00::/7)'],
    ['fd00:ec2::254', 'a unique local IPv6 address (fc00::/7)'],
    ['ff02::1', 'a multicast address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['[::ffff:127.0.0.1]', 'a loopback address'],
    ['::ffff:7f00:1', 'a loopback address'],
    ['::ffff:169.254.169.254', 'a link-local address (cloud metadata lives at 169.254.169.254)'],
    ['::ffff:10.0.0.1', 'a private address (RFC 1918)'],
    ['64:ff9b::127.0.0.1', 'a loopback address'],
    ['2002:7f00:1::', 'a loopback address'],
    ['::7f00:1', 'an IPv4-compatible IPv6 address'],
    ['example.com', 'not an IP address'],
  ])('refuses %s: %s', (address, reason) => {
    expect(refusedRange(address)).toBe(reason);
  });

  it.each([
    ['1.1.1.1'],
    ['8.8.8.8'],
    ['172.32.0.1'],
    ['100.128.0.1'],
    ['2606:4700:4700::1111'],
    ['::ffff:1.1.1.1'],
  ])('allows the public address %s', (address) => {
    expect(refusedRange(address)).toBeUndefined();
  });
});

describe('createAddressPolicy', () => {
  it('refuses non-public addresses by default, with the reason and how to allow them', () => {
    const policy = createAddressPolicy();
    expect(policy.check('93.184.215.14')).toEqual({ allowed: true });
    expect(policy.check('127.0.0.1')).toEqual({
      allowed: false,
      reason: '127.0.0.1 is a loopback address; hosts refuse it unless the operator allows it',
    });
    expect(policy.check('::ffff:127.0.0.1').allowed).toBe(false);
    expect(policy.check('not-an-address')).toEqual({
      allowed: false,
      reason: 'not-an-address is not an IP address',
    });
  });

  it('refuses loopback names before resolving them, trailing dot and case included', () => {
    const policy = createAddressPolicy();
    for (const name of ['localhost', 'localhost.', 'LOCALHOST', 'api.localhost', 'x.localhost.'])
      expect(policy.checkHostname(name).allowed, name).toBe(false);
    expect(policy.checkHostname('example.com')).toEqual({ allowed: true });
  });

  it('allows what the operator lists: CIDRs, addresses (IPv4-mapped forms too) and host names', () => {
    const policy = createAddressPolicy({
      allow: ['10.0.0.0/8', '127.0.0.1', 'fd00::/8', 'minio.lan', '::ffff:192.168.0.0/112'],
    });
    expect(policy.check('10.20.30.40').allowed).toBe(true);
    expect(policy.check('127.0.0.1').allowed).toBe(true);
    expect(policy.check('::ffff:127.0.0.1').allowed).toBe(true);
    expect(policy.check('127.0.0.2').allowed).toBe(false);
    expect(policy.check('fd00::5').allowed).toBe(true);
    expect(policy.check('fc00::5').allowed).toBe(false);
    expect(policy.check('192.168.3.4').allowed).toBe(true);
    expect(policy.check('169.254.169.254').allowed).toBe(false);
    // a listed host name allows whatever it resolves to, and only for that name
    expect(policy.check('172.16.0.9', 'minio.lan').allowed).toBe(true);
    expect(policy.check('172.16.0.9', 'MINIO.LAN.').allowed).toBe(true);
    expect(policy.check('172.16.0.9', 'other.lan').allowed).toBe(false);
    expect(createAddressPolicy({ allow: ['localhost'] }).checkHostname('localhost.').allowed).toBe(true);
  });

  it('rejects allow-list entries that are neither CIDRs, addresses nor host names', () => {
    expect(() => createAddressPolicy({ allow: ['10.0.0.0/33'] })).toThrow(/not a valid CIDR/);
    expect(() => createAddressPolicy({ allow: ['http://x/'] })).toThrow(/not a valid CIDR/);
    expect(() => createAddressPolicy({ allow: ['a b'] })).toThrow(
      /neither a CIDR, an IP address nor a host name/,
    );
  });
});
