import { describe, expect, it } from 'vitest';
import { refOf, requestHeadersForTarget, responseHeadersFromTarget } from './host-streams.js';

describe('host streams', () => {
  it('gives the service the user’s Host and headers, without pseudo-headers or the tunnel’s ref', () => {
    expect(
      requestHeadersForTarget({
        ':method': 'GET',
        ':path': '/x',
        ':authority': 'abc.localhost:8080',
        'x-nosana-ref': 'web',
        'x-forwarded-for': '::1',
        accept: 'text/plain',
      }),
    ).toEqual({ host: 'abc.localhost:8080', 'x-forwarded-for': '::1', accept: 'text/plain' });
  });

  it('drops connection-specific headers of the service’s answer (HTTP/2 forbids them)', () => {
    expect(
      responseHeadersFromTarget(201, {
        'content-type': 'text/plain',
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'set-cookie': ['a=1', 'b=2'],
      }),
    ).toEqual({ ':status': 201, 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] });
  });

  it('reads the ref of a CONNECT stream from its authority, of a request from x-nosana-ref', () => {
    expect(refOf({ ':method': 'CONNECT', ':authority': 'web-0:80' })).toBe('web-0');
    expect(refOf({ ':method': 'POST', ':path': '/', 'x-nosana-ref': 'web-1' })).toBe('web-1');
    expect(refOf({ ':method': 'GET', ':path': '/' })).toBe('');
  });
});
