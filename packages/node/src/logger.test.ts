import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowState } from '@nosana/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeEvent } from './events.js';
import { createNodeLogger, nodeLogRecord } from './logger.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

const flush = (logger: Awaited<ReturnType<typeof createNodeLogger>>) =>
  new Promise<void>((resolve) => logger.flush(() => resolve()));
const logFiles = (logs: string) => readdirSync(logs).filter((f) => f.startsWith('node.log'));

describe('createNodeLogger', () => {
  it('writes JSON lines to a rotated file under the given directory', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nosana-log-'));
    const logger = await createNodeLogger({ dir: join(dir, 'logs') });
    logger.info({ job: 'J1' }, 'job-started');
    await flush(logger);
    await expect
      .poll(() => {
        try {
          return readFileSync(join(dir!, 'logs', 'node.log.1'), 'utf8');
        } catch {
          return '';
        }
      })
      .toContain('"msg":"job-started"');
    const line = JSON.parse(
      readFileSync(join(dir, 'logs', 'node.log.1'), 'utf8')
        .trim()
        .split('\n')[0]!,
    ) as Record<string, unknown>;
    expect(line).toMatchObject({ job: 'J1', service: 'nosana-node', level: 30 });
  });

  it('caps each record, so one huge record cannot outgrow rotation (regression: a 493 MB file)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nosana-log-'));
    const logs = join(dir, 'logs');
    const logger = await createNodeLogger({ dir: logs, size: '64k', keep: 3, maxRecordBytes: 4096 });
    logger.info({ state: { logs: 'z'.repeat(5_000_000) } }, 'runtime');
    logger.info(`a message of ${'m'.repeat(100_000)}`);
    // Written over time, as a node does (rotation happens once a write is done): each batch is on disk before the next.
    const onDisk = () =>
      logFiles(logs)
        .map((f) => readFileSync(join(logs, f), 'utf8'))
        .join('');
    for (let i = 0; i < 150; i++) {
      logger.info({ i, filler: 'f'.repeat(1000) }, 'filler');
      if (i % 10 === 9) await expect.poll(onDisk).toContain(`"i":${i},`);
    }
    await expect.poll(() => logFiles(logs).length).toBeGreaterThan(1);
    const text = onDisk();
    expect(text).not.toContain('z'.repeat(5000));
    expect(text).toContain('"truncated":true');
    expect(text).toMatch(/more characters\]/);
    for (const file of logFiles(logs)) expect(statSync(join(logs, file)).size).toBeLessThan(64 * 1024 + 8192);
    expect(logFiles(logs).length).toBeLessThanOrEqual(4);
  });
});

describe('nodeLogRecord', () => {
  it("logs the flow's progress without the job's output", () => {
    const flow: FlowState = {
      status: 'success',
      startTime: 1,
      endTime: 2,
      opStates: [
        {
          providerId: 'c1',
          operationId: 'main',
          group: 'g',
          status: 'success',
          startTime: 1,
          endTime: 2,
          exitCode: 0,
          logs: [{ type: 'stdout', log: 'SECRET OUTPUT', timestamp: 1 }],
        },
      ],
    };
    const events: NodeEvent[] = [
      { type: 'runtime', event: { type: 'flow-finished', jobId: 'J', state: flow } },
      {
        type: 'runtime',
        event: { type: 'log', jobId: 'J', opId: 'main', entry: flow.opStates[0]!.logs[0]! },
      },
      {
        type: 'runtime',
        event: { type: 'op-status', jobId: 'J', opId: 'main', status: 'success', exitCode: 0 },
      },
      {
        type: 'runtime',
        event: { type: 'endpoint', jobId: 'J', opId: 'main', port: 80, url: 'http://x', status: 'ONLINE' },
      },
    ];
    const records = events.map(nodeLogRecord);
    expect(JSON.stringify(records)).not.toContain('SECRET OUTPUT');
    expect(records[0]).toEqual({ type: 'flow-finished', job: 'J', status: 'success' });
    expect(records[1]).toBeUndefined();
    expect(records[2]).toMatchObject({ type: 'op-status', op: 'main', status: 'success', exitCode: 0 });
    expect(JSON.stringify(records[3])).not.toContain('http://x');
  });
});
