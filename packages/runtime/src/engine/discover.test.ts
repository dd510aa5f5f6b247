import { isNosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { connectEngine, engineCandidates } from './discover.js';

const dead = 'unix:///nonexistent/nosana-dead-engine.sock';

describe('engine discovery', () => {
  it('tries only an explicit setting: host alone, else DOCKER_HOST alone', () => {
    expect(engineCandidates({ host: 'tcp://127.0.0.1:1', env: { DOCKER_HOST: dead } })).toEqual([
      'tcp://127.0.0.1:1',
    ]);
    expect(engineCandidates({ env: { DOCKER_HOST: dead } })).toEqual([dead]);
    // Podman is never looked for at DOCKER_HOST.
    expect(engineCandidates({ provider: 'podman', env: { DOCKER_HOST: dead } })).not.toContain(dead);
  });

  it('fails with a coded error naming DOCKER_HOST when it points at a dead socket, instead of using another engine', async () => {
    const error = await connectEngine({ env: { DOCKER_HOST: dead } }).catch((e: unknown) => e);
    expect(isNosanaError(error, 'RUNTIME__ENGINE_SETTING_UNREACHABLE')).toBe(true);
    if (!isNosanaError(error, 'RUNTIME__ENGINE_SETTING_UNREACHABLE')) return;
    expect(error.context).toMatchObject({ setting: 'DOCKER_HOST', endpoint: dead });
    expect(error.message).toContain(`DOCKER_HOST=${dead}`);
    expect(error.message).toContain('--engine-host');
    expect(error.message).not.toContain('--docker');
  });

  it('fails naming the host setting (nosana node start --engine-host) when it does not answer', async () => {
    const error = await connectEngine({ host: dead, env: {} }).catch((e: unknown) => e);
    expect(isNosanaError(error, 'RUNTIME__ENGINE_SETTING_UNREACHABLE')).toBe(true);
    if (!isNosanaError(error, 'RUNTIME__ENGINE_SETTING_UNREACHABLE')) return;
    expect(error.context).toMatchObject({ setting: 'host', endpoint: dead });
    expect(error.message).toContain('nosana node start --engine-host');
  });
});
