/**
 * Which network addresses resource downloads may connect to. A job's resources name any URL, so without a
 * policy a job could make the host fetch from its own network (its node API, the RPC, the IPFS gateway, cloud
 * metadata at 169.254.169.254, the LAN) and copy the answer into the job's public result. By default only
 * public unicast addresses are allowed; an operator may allow more, by CIDR, address or host name.
 */
import ipaddr from 'ipaddr.js';

/** Where the policy may be relaxed: CIDRs (`10.0.0.0/8`, `fd00::/8`), addresses (`127.0.0.1`) or host names (`minio.lan`). */
export interface AddressPolicyParameters {
  allow?: readonly string[];
}

/** The decision on one address. */
export type AddressDecision = { allowed: true } | { allowed: false; reason: string };

/** A compiled address policy. */
export interface AddressPolicy {
  /**
   * May a connection go to `address` (an IP address) for the host name `hostname` (what the URL named; host
   * names on the allow list allow whatever they resolve to)?
   */
  check(address: string, hostname?: string): AddressDecision;
  /** Is the host name itself refused before it is resolved (`localhost`, `*.localhost`, unless allowed)? */
  checkHostname(hostname: string): AddressDecision;
}

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

/** IPv6 ranges refused on top of everything that is not `unicast` to ipaddr.js. */
const EXTRA_IPV6_REFUSED: Array<[string, string]> = [
  // IPv4-compatible addresses (::a.b.c.d, deprecated): refused whole rather than guessing how a host routes them.
  ['::/96', 'an IPv4-compatible IPv6 address'],
];

const RANGE_NAMES: Record<string, string> = {
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address (cloud metadata lives at 169.254.169.254)',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  private: 'a private address (RFC 1918)',
  uniqueLocal: 'a unique local IPv6 address (fc00::/7)',
  reserved: 'a reserved address',
  teredo: 'a Teredo address',
  discard: 'a discard-only address',
};

/** The address an IPv6 address stands for when it carries an IPv4 one (mapped, NAT64, 6to4), or itself. */
function effective(address: Parsed): Parsed {
  if (address.kind() === 'ipv4') return address;
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') {
    const bytes = v6.toByteArray();
    return new ipaddr.IPv4(bytes.slice(12, 16));
  }
  if (range === '6to4') {
    const bytes = v6.toByteArray();
    return new ipaddr.IPv4(bytes.slice(2, 6));
  }
  return v6;
}

/**
 * Parses an IP address as a connection would use it: IPv4 in any form the URL standard accepts (`0x7f.1`,
 * `2130706433`), IPv6 with or without brackets. Undefined when `text` is not an address.
 *
 * @example
 * ```ts
 * parseAddress('0x7f.1')?.toString(); // '127.0.0.1'
 * ```
 */
export function parseAddress(text: string): Parsed | undefined {
  const bare = text.replace(/^\[|\]$/g, '');
  if (bare.includes(':')) return ipaddr.IPv6.isValid(bare) ? ipaddr.IPv6.parse(bare) : undefined;
  if (!/^[0-9a-fA-Fx.]+$/.test(bare)) return undefined;
  try {
    // The WHATWG URL parser is what turned the URL's host into an address: use it for the odd IPv4 forms too.
    const host = new URL(`http://${bare}/`).hostname;
    return ipaddr.IPv4.isValidFourPartDecimal(host) ? ipaddr.IPv4.parse(host) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why an address is not public unicast (loopback, private, link-local, CGNAT, ULA, multicast, unspecified,
 * reserved, and those forms mapped into IPv6), or undefined for a public address.
 *
 * @example
 * ```ts
 * refusedRange('::ffff:169.254.169.254'); // 'a link-local address (cloud metadata lives at 169.254.169.254)'
 * refusedRange('1.1.1.1'); // undefined
 * ```
 */
export function refusedRange(address: string): string | undefined {
  const parsed = parseAddress(address);
  if (!parsed) return 'not an IP address';
  const target = effective(parsed);
  const range = target.range();
  if (range !== 'unicast') return RANGE_NAMES[range] ?? `a special-purpose address (${range})`;
  if (target.kind() === 'ipv6')
    for (const [cidr, name] of EXTRA_IPV6_REFUSED)
      if ((target as ipaddr.IPv6).match(ipaddr.IPv6.parseCIDR(cidr))) return name;
  return undefined;
}

const normalizeHost = (hostname: string) =>
  hostname
    .toLowerCase()
    .replace(/\.+$/, '')
    .replace(/^\[|\]$/g, '');

/**
 * Compiles an address policy: public unicast addresses are allowed; everything else only when `allow` lists
 * it (a CIDR or address it falls in, or the host name it was resolved from). Throws on an entry that is
 * neither a CIDR, an address nor a host name.
 *
 * @example
 * ```ts
 * const policy = createAddressPolicy({ allow: ['127.0.0.1', '10.0.0.0/8', 'minio.lan'] });
 * policy.check('10.1.2.3'); // { allowed: true }
 * policy.check('192.168.1.1'); // { allowed: false, reason: '… a private address (RFC 1918) …' }
 * ```
 */
export function createAddressPolicy(parameters: AddressPolicyParameters = {}): AddressPolicy {
  const ranges: Array<[Parsed, number]> = [];
  const hosts = new Set<string>();
  for (const entry of parameters.allow ?? []) {
    const text = entry.trim();
    if (text.includes('/')) {
      try {
        const [address, bits] = ipaddr.parseCIDR(text);
        const mapped = address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress();
        ranges.push(
          mapped ? [(address as ipaddr.IPv6).toIPv4Address(), Math.max(0, bits - 96)] : [address, bits],
        );
        continue;
      } catch {
        throw new Error(`address allow-list entry ${JSON.stringify(entry)} is not a valid CIDR`);
      }
    }
    const address = parseAddress(text);
    if (address) {
      const target = effective(address);
      ranges.push([target, target.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(text)) {
      hosts.add(normalizeHost(text));
    } else {
      throw new Error(
        `address allow-list entry ${JSON.stringify(entry)} is neither a CIDR, an IP address nor a host name`,
      );
    }
  }
  const listed = (address: Parsed) =>
    ranges.some(([base, bits]) => base.kind() === address.kind() && address.match(base, bits));
  return {
    check(address, hostname) {
      const parsed = parseAddress(address);
      if (!parsed) return { allowed: false, reason: `${address} is not an IP address` };
      if (hostname !== undefined && hosts.has(normalizeHost(hostname))) return { allowed: true };
      const reason = refusedRange(address);
      if (!reason || listed(effective(parsed))) return { allowed: true };
      return {
        allowed: false,
        reason: `${parsed.toString()} is ${reason}; hosts refuse it unless the operator allows it`,
      };
    },
    checkHostname(hostname) {
      const host = normalizeHost(hostname);
      if (hosts.has(host)) return { allowed: true };
      if (host === 'localhost' || host.endsWith('.localhost'))
        return {
          allowed: false,
          reason: `${hostname} is a loopback name; hosts refuse it unless the operator allows it`,
        };
      return { allowed: true };
    },
  };
}
