import { describe, expect, it } from 'vitest';
import { parseMarketRead } from './fast-reads.js';

describe('parseMarketRead', () => {
  it('takes the market commands’ own flags in their usual spellings', () => {
    expect(parseMarketRead(['list'])).toEqual({ command: 'list', json: false });
    expect(parseMarketRead(['get', 'cpu', '--json'])).toEqual({ command: 'get', market: 'cpu', json: true });
    expect(parseMarketRead(['list', '-n', 'devnet', '--rpc', 'http://127.0.0.1:1'])).toEqual({
      command: 'list',
      json: false,
      network: 'devnet',
      rpc: 'http://127.0.0.1:1',
    });
    expect(parseMarketRead(['get', '--network=mainnet', '--rpc=http://x/?a=b', 'gpu'])).toEqual({
      command: 'get',
      market: 'gpu',
      json: false,
      network: 'mainnet',
      rpc: 'http://x/?a=b',
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
