/**
 * `job post` with a secret and `--seal-results`, `job get` opening the sealed result and `job verify` checking the
 * node's signed receipt: the commands run in this process against a localnet and a node (startHostNode, the real
 * Docker engine) in this process.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostNode } from '@nosana/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { runCommand } from '../../../test/run-command.js';
import type { JobGetResult } from './get.js';
import type { JobPostResult } from './post.js';
import type { JobVerifyResult } from './verify.js';

const NOS = 1_000_000n;
const SECRET = 'hf_cli_secret_value_9f2c';

let network: TestNetwork;
let host: HostNode;
let poster: { path: string; env: NodeJS.ProcessEnv };
beforeAll(async () => {
  network = await startTestNetwork();
  const wallet = network.wallet(100n * NOS);
  poster = { path: wallet.path, env: network.env(wallet.path) };
  host = await network.host({ version: '9.9.9-test' });
}, 120_000);
afterAll(async () => {
  await network?.close();
});

type Ok<T> = { status: 'ok'; result: T };
type Failed = { status: 'error'; error: { code: string; message: string } };

describe('nosana job post --seal-results, job get, job verify', () => {
  it('seals the secret to the queued node, opens the sealed result with the poster wallet, verifies the receipt', async () => {
    const file = join(network.dir, 'secret-job.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: '0.1',
        type: 'container',
        ops: [
          {
            type: 'container/run',
            id: 'main',
            args: {
              image: 'busybox:1.35',
              env: { TOKEN: { secret: SECRET } },
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
              cmd: ['sh', '-c', 'echo "length=${#TOKEN}"'],
            },
          },
        ],
      }),
    );
    const posted = await runCommand(['job', 'post', '-f', file, '--seal-results', '--json'], {
      env: poster.env,
    });
    expect(posted.code, posted.stderr).toBe(0);
    const { job } = posted.json<Ok<JobPostResult>>().result;

    const got = await runCommand(['job', 'get', job, '--wait', '--json'], { env: poster.env });
    expect(got.code, got.stderr).toBe(0);
    const result = got.json<Ok<JobGetResult>>().result;
    expect(result.status).toBe('success');
    const logs = await runCommand(['job', 'get', job, '--logs'], { env: poster.env });
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain(`length=${SECRET.length}`);
    expect(logs.stdout + got.stdout).not.toContain(SECRET);

    const verified = await runCommand(['job', 'verify', job, '--json'], { env: poster.env });
    expect(verified.code, verified.stderr).toBe(0);
    const checks = verified.json<Ok<JobVerifyResult>>().result;
    expect(checks.node).toBe(host.address);
    expect(checks.checks).toContain('logs match the signed digests');
    expect(checks.receipt).toMatchObject({ software: { name: '@nosana/node', version: '9.9.9-test' } });

    // Another wallet cannot open the result, and the wrong expected image fails verification.
    const stranger = network.wallet();
    const denied = await runCommand(['job', 'get', job, '--json'], { env: network.env(stranger.path) });
    expect(denied.code).toBe(1);
    expect(denied.json<Failed>().error.code).toBe('TRUST__RESULT_NOT_FOR_THIS_WALLET');
    const wrongImage = await runCommand(
      ['job', 'verify', job, '--expect-image', `main=sha256:${'0'.repeat(64)}`, '--json'],
      { env: poster.env },
    );
    expect(wrongImage.code).toBe(1);
    expect(wrongImage.json<Failed>().error.code).toBe('TRUST__RECEIPT_IMAGE_MISMATCH');
  }, 180_000);

  it('refuses a secret in a field that cannot hold one before anything is sent', async () => {
    const file = join(network.dir, 'misplaced.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: '0.1',
        type: 'container',
        ops: [{ type: 'container/run', id: 'main', args: { image: { secret: SECRET } } }],
      }),
    );
    const run = await runCommand(['job', 'post', '-f', file, '--json'], { env: poster.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('ops[0].args.image');
    expect(run.stdout).not.toContain(SECRET);
  });
});
