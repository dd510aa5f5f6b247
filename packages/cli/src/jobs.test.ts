import { describe, expect, it } from 'vitest';
import { nodeApiResolver, nodeApiThroughGateway } from './jobs.js';

const node = 'HostAddress11111111111111111111111111111111';

describe("a job's node API", () => {
  it('goes through a localhost gateway by its /s/<node> path and through a real one by <node>.<domain>', () => {
    expect(nodeApiThroughGateway('http://localhost:8080', node)).toBe(`http://127.0.0.1:8080/s/${node}`);
    expect(nodeApiThroughGateway('http://127.0.0.1:8080/', node)).toBe(`http://127.0.0.1:8080/s/${node}`);
    expect(nodeApiThroughGateway('https://node.k8s.prd.nos.ci', node)).toBe(
      `https://${node}.node.k8s.prd.nos.ci`,
    );
    expect(nodeApiThroughGateway('https://node.example.com:8443', node)).toBe(
      `https://${node}.node.example.com:8443`,
    );
  });

  it('takes the flag first, else the gateway of the network, else nothing off localnet', async () => {
    const devnet = { name: 'devnet', rpcUrl: 'http://127.0.0.1:1' };
    expect((await nodeApiResolver('http://10.0.0.5:5101', devnet))(node)).toBe('http://10.0.0.5:5101');
    expect((await nodeApiResolver(undefined, devnet))(node)).toBeUndefined();
    const mainnet = { name: 'mainnet', rpcUrl: 'http://127.0.0.1:1' };
    expect((await nodeApiResolver(undefined, mainnet))(node)).toBe(`https://${node}.node.k8s.prd.nos.ci`);
    expect((await nodeApiResolver(undefined, mainnet))(undefined)).toBeUndefined();
  });
});
