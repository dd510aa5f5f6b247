import { describe, expect, it } from 'vitest';
import { parseJobGet } from './fast-job-get.js';
import { parseMarketRead } from './fast-reads.js';

describe('parseMarketRead', () => {
  it('takes the market commands’ own flags in their usual spellings', () => {
    expect(parseMarketRead(['list'])).toEqual({ command: 'list', args: [], json: false });
    expect(parseMarketRead(['get', 'cpu', '--json'])).toEqual({ command: 'get', args: ['cpu'], json: true });
    expect(parseMarketRead(['list', '-n', 'devnet', '--rpc', 'http://127.0.0.1:1'])).toEqual({
      command: 'list',
      args: [],
      json: false,
      network: 'devnet',
      rpc: 'http://127.0.0.1:1',
    });
    expect(
      parseMarketRead(['get', '--network=mainnet', '--rpc=http://x/?a=b', '--ipfs', 'http://i', 'gpu']),
    ).toEqual({
      command: 'get',
      args: ['gpu'],
      json: false,
      network: 'mainnet',
      rpc: 'http://x/?a=b',
      ipfs: 'http://i',
    });
  });

  it.each([
    [['open']],
    [['list', 'cpu']],
    [['get']],
    [['get', 'cpu', 'gpu']],
    [['list', '--help']],
    [['get', 'cpu', '-h']],
    [['list', '--network']],
    [['list', '--network', '--json']],
    [['list', '--network=']],
    [['list', '--json=yes']],
    [['list', '--wallet', 'w.json']],
    [['list', '--']],
  ])('leaves %j to oclif', (argv) => {
    expect(parseMarketRead(argv)).toBeNull();
  });
});

describe('parseJobGet', () => {
  it('takes one job and the network flags; leaves the others to oclif', () => {
    expect(parseJobGet(['J0b', '--json', '-n', 'localnet'])).toEqual({
      args: ['J0b'],
      json: true,
      network: 'localnet',
    });
    for (const argv of [
      [],
      ['a', 'b'],
      ['a', '--wait'],
      ['a', '--logs'],
      ['a', '-l'],
      ['a', '--download', 'd'],
      ['a', '--node-api', 'u'],
      ['a', '--gateway', 'none'],
      ['a', '--wallet', 'w'],
    ])
      expect(parseJobGet(argv)).toBeNull();
  });
});
