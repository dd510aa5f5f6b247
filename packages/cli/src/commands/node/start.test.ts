import { isNosanaError, NosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { imageSettings, parseGatewayUrl, parseResourceAllow } from './start.js';

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

describe('imageSettings (--pre-pull, --image-cache)', () => {
  const refused = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error as NosanaError;
    }
    throw new Error('not refused');
  };

  it('passes nothing when neither flag is given (the node pulls the market’s images, keeps every image)', () => {
    expect(imageSettings(undefined, undefined, NosanaError)).toEqual({});
  });

  it('pre-pulls the images given besides the market’s, none at all with none, and turns GiB into a byte limit', () => {
    expect(imageSettings(['busybox:1.35', '127.0.0.1:5000/team/app@sha256:abc'], 50, NosanaError)).toEqual({
      prePull: ['busybox:1.35', '127.0.0.1:5000/team/app@sha256:abc'],
      imageCache: { maxBytes: 50 * 1024 ** 3 },
    });
    expect(imageSettings(['none'], undefined, NosanaError)).toEqual({ prePull: false });
  });

  it('refuses none mixed with images, and what is not an image reference, naming the flag', () => {
    const mixed = refused(() => imageSettings(['none', 'busybox:1.35'], undefined, NosanaError));
    expect(isNosanaError(mixed, 'CLI__INVALID_FLAG')).toBe(true);
    expect(mixed.message).toContain('--pre-pull none');
    for (const bad of ['', 'busy box', '-v:/etc', 'a'.repeat(600)]) {
      const error = refused(() => imageSettings([bad], undefined, NosanaError));
      expect(isNosanaError(error, 'CLI__INVALID_FLAG')).toBe(true);
      expect(error.message).toContain('--pre-pull');
    }
  });
});
