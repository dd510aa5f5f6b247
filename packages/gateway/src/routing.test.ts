import { isNosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { normalizeDomain, resolveTarget, serviceUrlOf } from './routing.js';

const ID = '3uL8h3nnEQyrtp9jLNRD6A3HLzusEfHGVTKKjdF1F7Zj';

describe('routing', () => {
  it('finds the service by Host label (any case, with a port) or by the /s/<id>/ path', () => {
    expect(resolveTarget(`${ID}.LocalHost:8080`, '/a?b=1', 'localhost')).toEqual({
      id: ID.toLowerCase(),
      path: '/a?b=1',
    });
    expect(resolveTarget('localhost:8080', `/s/${ID}/x/y`, 'localhost')).toEqual({ id: ID, path: '/x/y' });
    expect(resolveTarget('localhost', `/s/${ID}`, 'localhost')).toEqual({ id: ID, path: '/' });
  });

  it('leaves the gateway its own paths, and ignores deeper names and other domains', () => {
    expect(resolveTarget('localhost:8080', '/_gateway/status', 'localhost')).toBeNull();
    expect(resolveTarget(`a.${ID}.localhost`, '/', 'localhost')).toBeNull();
    expect(resolveTarget(`${ID}.example.com`, '/', 'localhost')).toBeNull();
  });

  it('normalizes the domain and refuses what is not a host name', () => {
    expect(normalizeDomain('Node.Example.COM.')).toBe('node.example.com');
    try {
      normalizeDomain('bad domain');
      expect.unreachable();
    } catch (error) {
      expect(isNosanaError(error, 'GATEWAY__INVALID_PARAMETERS')).toBe(true);
    }
  });

  it('drops the default port from service URLs', () => {
    expect(serviceUrlOf({ scheme: 'https', domain: 'n.example.com', port: 443 })('x')).toBe(
      'https://x.n.example.com',
    );
    expect(serviceUrlOf({ scheme: 'http', domain: 'localhost', port: 8080 })('x')).toBe(
      'http://x.localhost:8080',
    );
  });
});
