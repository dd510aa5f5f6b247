import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createNodeLogger } from './logger.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

it('writes JSON lines to a rotated file under the given directory', async () => {
  dir = mkdtempSync(join(tmpdir(), 'nosana-log-'));
  const logger = await createNodeLogger({ dir: join(dir, 'logs') });
  logger.info({ job: 'J1' }, 'job-started');
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
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
