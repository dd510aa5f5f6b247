import { isNosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { fetchDefinition, isPrivateAddress } from './fetch-definition.js';

describe('isPrivateAddress', () => {
  it('flags loopback, private, link-local, unspecified and multicast addresses', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '100.64.0.1',
      '224.0.0.1',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ])
      expect(isPrivateAddress(address), address).toBe(true);
  });

  it('lets public addresses through', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700::1111', '::ffff:8.8.8.8'])
      expect(isPrivateAddress(address), address).toBe(false);
  });
});

describe('fetchDefinition refuses before connecting', () => {
  const refused = async (url: string, code: string) => {
    const error = await fetchDefinition({ url, allowPrivate: false, maxBytes: 1024 }).catch(
      (e: unknown) => e,
    );
    expect(isNosanaError(error, code as never), `${url}: ${String(error)}`).toBe(true);
    return (error as Error).message;
  };

  it('other schemes, credentials and malformed URLs', async () => {
    expect(await refused('file:///etc/passwd', 'CLI__URL_REFUSED')).toContain('file: URLs are not fetched');
    expect(await refused('https://user:secret@example.com/job.json', 'CLI__URL_REFUSED')).not.toContain(
      'secret',
    );
    expect(await refused('not a url', 'CLI__INVALID_FLAG')).toContain('--url "not a url" is not a URL');
  });

  it('literal loopback and private addresses', async () => {
    expect(await refused('http://127.0.0.1:9/job.json', 'CLI__URL_REFUSED')).toContain('loopback or private');
    expect(await refused('http://[::1]:9/job.json', 'CLI__URL_REFUSED')).toContain('loopback or private');
    expect(await refused('http://169.254.169.254/latest', 'CLI__URL_REFUSED')).toContain(
      'loopback or private',
    );
  });
});
