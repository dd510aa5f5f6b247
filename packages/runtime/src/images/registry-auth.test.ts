import { describe, expect, it } from 'vitest';
import { engineAuthConfig, redactCredentials, registryOf } from './registry-auth.js';

describe('registryOf', () => {
  it.each([
    ['ubuntu', 'docker.io'],
    ['library/ubuntu:24.04', 'docker.io'],
    ['nosana/resource-manager:1.1.8', 'docker.io'],
    ['registry.hub.docker.com/nosana/x:1', 'registry.hub.docker.com'],
    ['127.0.0.1:5000/app:1', '127.0.0.1:5000'],
    ['localhost/app', 'localhost'],
    ['ghcr.io/org/app@sha256:abc', 'ghcr.io'],
  ])('%s → %s', (image, registry) => expect(registryOf(image)).toBe(registry));
});

describe('engineAuthConfig', () => {
  it('uses the image’s registry when the definition names no server (the real examples do not)', () => {
    expect(engineAuthConfig('127.0.0.1:5000/app:1', { username: 'u', password: 'p' })).toEqual({
      username: 'u',
      password: 'p',
      serveraddress: '127.0.0.1:5000',
    });
    expect(engineAuthConfig('ubuntu', { username: 'u', password: 'p' }).serveraddress).toBe(
      'https://index.docker.io/v1/',
    );
  });
  it('keeps the server and email the definition gives', () => {
    expect(
      engineAuthConfig('app', { username: 'u', password: 'p', email: 'e@x.org', server: 'reg.example:443' }),
    ).toEqual({ username: 'u', password: 'p', email: 'e@x.org', serveraddress: 'reg.example:443' });
  });
});

describe('redactCredentials', () => {
  const auth = { username: 'poster', password: 'glpat-SECRET' };
  it('masks the password, the username and their basic-auth encoding', () => {
    const basic = Buffer.from('poster:glpat-SECRET').toString('base64');
    expect(redactCredentials(`user poster pw glpat-SECRET header Basic ${basic}`, auth)).toBe(
      'user *** pw *** header Basic ***',
    );
  });
  it('leaves text alone without credentials, and does not mask values too short to be secrets', () => {
    expect(redactCredentials('a b', undefined)).toBe('a b');
    expect(redactCredentials('a b', { username: 'a', password: 'b' })).toBe('a b');
  });
});
