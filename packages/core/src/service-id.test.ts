import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deploymentServiceId, serviceHash, serviceId } from './service-id.js';

// An independent base58 (bitcoin alphabet) over node:crypto's sha512, to cross-check the implementation.
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function reference(input: string, length: number): string {
  const bytes = createHash('sha512').update(input).digest();
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out.slice(0, length);
}

const JOB = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';

describe('service ids', () => {
  it('a job port id is base58(sha512("<op>:<port>:<job>")) cut to 44', () => {
    const id = serviceId({ job: JOB, opIndex: 0, port: 8080 });
    expect(id).toBe(reference(`0:8080:${JOB}`, 44));
    expect(id).toHaveLength(44);
    expect(serviceId({ job: JOB, opIndex: 1, port: 8080 })).not.toBe(id);
  });

  it('a deployment id is base58(sha512("<deployment>:<project>")) cut to 45', () => {
    const id = deploymentServiceId({ deploymentId: 'llama', project: JOB });
    expect(id).toBe(reference(`llama:${JOB}`, 45));
    expect(serviceHash('x', 10)).toBe(reference('x', 10));
  });
});
