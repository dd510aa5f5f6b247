import { isNosanaError, NosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { parseGatewayUrl, parseResourceAllow } from './start.js';

describe('parseGatewayUrl', () => {
  it("keeps an http(s) gateway's origin", () => {
    expect(parseGatewayUrl('https://node.example.com/', NosanaError)).toBe('https://node.example.com');
    expect(parseGatewayUrl('http://localhost:8080', NosanaError)).toBe('http://localhost:8080');
  });

  it('refuses anything else with a flag error', () => {
    for (const value of ['node.example.com', 'ftp://node.example.com', 'ws://localhost:8080']) {
      const error = (() => {
        try {
          return parseGatewayUrl(value, NosanaError);
        } catch (e) {
          return e;
        }
      })();
      expect(isNosanaError(error, 'CLI__INVALID_FLAG')).toBe(true);
      expect((error as Error).message).toContain('--gateway');
    }
  });
});

describe('parseResourceAllow', () => {
  it('keeps CIDRs, addresses and host names', async () => {
    const list = ['10.0.0.0/8', '192.168.1.5', 'models.internal', 'fd00::/8'];
    expect(await parseResourceAllow(list, NosanaError)).toEqual(list);
  });

  it('refuses a malformed CIDR with a flag error naming it', async () => {
    const error = await parseResourceAllow(['10.0.0.0/99'], NosanaError).catch((e: unknown) => e);
    expect(isNosanaError(error, 'CLI__INVALID_FLAG')).toBe(true);
    expect((error as Error).message).toContain('--resource-allow "10.0.0.0/99"');
  });
});
