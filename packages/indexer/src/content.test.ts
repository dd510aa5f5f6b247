import type { ContentStore } from '@nosana/chain';
import { serviceId } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { createJobContent, exposedPortsOf, jobEndpoints, MAX_LOG_LINES, resultView } from './content.js';

const JOB = '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin';

describe('job content for the explorer', () => {
  it('reads exposed ports from numbers, objects and bounded ranges, skipping literals', () => {
    expect(exposedPortsOf(8080)).toEqual([8080]);
    expect(exposedPortsOf([80, { port: 443 }, '%%ops.x.port%%'])).toEqual([80, 443]);
    expect(exposedPortsOf('9000-9002')).toEqual([9000, 9001, 9002]);
    expect(exposedPortsOf('1-100000')).toHaveLength(64);
    expect(exposedPortsOf(undefined)).toEqual([]);
  });

  it('lists endpoints with their service id and the health the result recorded', () => {
    const definition = {
      ops: [
        { id: 'web', args: { expose: [8080, 9090] } },
        { id: 'batch', args: {} },
      ],
    };
    const result = { opStates: [{ endpoints: [{ port: 8080, url: 'x', status: 'ONLINE' }] }] };
    expect(jobEndpoints(JOB, definition, result)).toEqual([
      { op: 'web', port: 8080, serviceId: serviceId({ job: JOB, opIndex: 0, port: 8080 }), status: 'ONLINE' },
      {
        op: 'web',
        port: 9090,
        serviceId: serviceId({ job: JOB, opIndex: 0, port: 9090 }),
        status: 'UNKNOWN',
      },
    ]);
    // Hostile or malformed content yields nothing rather than a failure.
    expect(jobEndpoints(JOB, { ops: 'nope' }, null)).toEqual([]);
    expect(jobEndpoints(JOB, null, 42)).toEqual([]);
  });

  it('keeps the newest log lines of each op and coerces every field', () => {
    const logs = Array.from({ length: MAX_LOG_LINES + 5 }, (_, i) => ({
      type: 'stdout',
      log: `line ${i}`,
      timestamp: i,
    }));
    const view = resultView('Qm1', {
      status: 'success',
      opStates: [{ operationId: 'hello', status: 'success', exitCode: 0, logs }, 'junk'],
    });
    expect(view.status).toBe('success');
    expect(view.ops).toHaveLength(1);
    expect(view.ops[0]!.logs).toHaveLength(MAX_LOG_LINES);
    expect(view.ops[0]!.logs.at(-1)).toEqual({
      type: 'stdout',
      log: `line ${MAX_LOG_LINES + 4}`,
      timestamp: MAX_LOG_LINES + 4,
    });
    expect(resultView('Qm2', 'not an object')).toEqual({ cid: 'Qm2', status: 'unknown', ops: [] });
  });

  it('reads each CID once, caps the size, and does not cache failures', async () => {
    const reads: Array<{ cid: string; maxBytes: number | undefined }> = [];
    let fail = true;
    const ipfs: ContentStore = {
      name: 'fake',
      putBytes: () => Promise.reject(new Error('read-only')),
      async getBytes(cid, options) {
        reads.push({ cid, maxBytes: options?.maxBytes });
        if (cid === 'QmResult' && fail) throw new Error('not yet');
        const doc = cid === 'QmResult' ? { status: 'success', opStates: [] } : { ops: [] };
        return new TextEncoder().encode(JSON.stringify(doc));
      },
    };
    const content = createJobContent({ ipfs });
    await expect(content.result('QmResult')).rejects.toThrow('not yet');
    fail = false;
    expect((await content.result('QmResult')).status).toBe('success');
    await content.result('QmResult');
    expect((await content.definition(JOB, 'QmDef', null)).endpoints).toEqual([]);
    await content.definition(JOB, 'QmDef', null);
    expect(reads.map((r) => r.cid)).toEqual(['QmResult', 'QmResult', 'QmDef']);
    expect(reads.every((r) => r.maxBytes === 4 * 1024 * 1024)).toBe(true);
  });
});
