import { deploymentServiceId, type JobDefinition, serviceId } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { describeServices, jobServices, MAINNET_GATEWAY } from './job-services.js';
import { gatewayFor } from './service-urls.js';

const job = 'DXMfeCnPt6LKHi26kZxXYrDBtEuRTY9dZFNekRShkQu4';
const project = '4GV9B4XWPwMFyqAXTiRDWvWX5urVPf8P1VT1JQfe39wD';
const definition = {
  version: '0.1',
  type: 'container',
  ops: [
    { type: 'container/run', id: 'setup', args: { image: 'busybox' } },
    {
      type: 'container/run',
      id: 'web',
      args: { image: 'nginx', expose: [{ port: 8080, health_checks: [] }, '9000-9001'] },
    },
    { type: 'container/run', id: 'admin', args: { image: 'nginx', expose: 80, private: true } },
    { type: 'container/run', id: 'templated', args: { image: 'nginx', expose: '%%global.variables.PORT%%' } },
  ],
} as unknown as JobDefinition;

describe('jobServices', () => {
  it('computes every exposed port’s id and URL on the gateway, right after posting', async () => {
    const services = await jobServices({ definition, job, project, gateway: 'http://localhost:8080' });
    expect(services.map((s) => [s.op, s.opIndex, s.port])).toEqual([
      ['web', 1, 8080],
      ['web', 1, 9000],
      ['web', 1, 9001],
      ['admin', 2, 80],
    ]);
    const web = services[0]!;
    expect(web.serviceId).toBe(serviceId({ job, opIndex: 1, port: 8080 }));
    expect(web.url).toBe(`http://${web.serviceId}.localhost:8080`);
    expect(web).toMatchObject({ private: false, status: 'unknown', deploymentUrl: null });
    // A private op's URL is not derivable: only its owner gets it (from the node API).
    expect(services[3]).toMatchObject({ op: 'admin', private: true, url: null });
  });

  it('adds the stable deployment URL for a definition with a deployment_id', async () => {
    const services = await jobServices({
      definition: { ...definition, deployment_id: 'my-api' } as JobDefinition,
      job,
      project,
      gateway: 'https://node.example.com',
    });
    const id = deploymentServiceId({ deploymentId: 'my-api', project });
    expect(services[0]!.deploymentUrl).toBe(`https://${id}.node.example.com`);
    expect(services[0]!.url).toBe(`https://${services[0]!.serviceId}.node.example.com`);
  });

  it('has no URL without a gateway, and says so', async () => {
    const [web] = await jobServices({ definition, job, project, gateway: undefined });
    expect(web!.url).toBeNull();
    expect(describeServices([web!], true)[0]).toContain(`no gateway known: service id ${web!.serviceId}`);
  });
});

describe('gatewayFor', () => {
  it('takes the flag (validated), none, and mainnet’s by default there', async () => {
    const devnet = { name: 'devnet', rpcUrl: 'https://api.devnet.solana.com' };
    expect(await gatewayFor('https://gw.example.com/x', devnet)).toBe('https://gw.example.com');
    expect(await gatewayFor('none', devnet)).toBeUndefined();
    expect(await gatewayFor(undefined, devnet)).toBeUndefined();
    expect(await gatewayFor(undefined, { name: 'mainnet', rpcUrl: 'https://x' })).toBe(MAINNET_GATEWAY);
    await expect(gatewayFor('gw.example.com', devnet)).rejects.toMatchObject({ code: 'CLI__INVALID_FLAG' });
  });
});
