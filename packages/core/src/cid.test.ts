import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { bytes32ToCid, cidToBytes32, isCidV0, isNullDigest } from './cid.js';
import { isNosanaError } from './errors.js';

// A Kubo vector (ipfs-feasibility.md §2.3): the 50 MiB file and its on-chain bytes32.
const CID = 'QmUKJAymjnAe2811uB7ATRduxzR2rd6XfUFXaF5ReLafhr';
const DIGEST = '58cd51e24d951105559370990c993b36b53ce88ae28aa840688c41a8a8f27411';
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('CIDv0 ⇄ bytes32', () => {
  it('converts a known CID to its digest and back', () => {
    expect(hex(cidToBytes32(CID))).toBe(DIGEST);
    expect(bytes32ToCid(Buffer.from(DIGEST, 'hex'))).toBe(CID);
    expect(bytes32ToCid([...Buffer.from(DIGEST, 'hex')])).toBe(CID);
  });

  test.prop([fc.uint8Array({ minLength: 32, maxLength: 32 })])(
    'round-trips every 32-byte digest',
    (digest) => {
      const cid = bytes32ToCid(digest);
      expect(isCidV0(cid)).toBe(true);
      expect(cid).toMatch(/^Qm[1-9A-HJ-NP-Za-km-z]{44}$/);
      expect(hex(cidToBytes32(cid))).toBe(hex(digest));
    },
  );

  test.prop([fc.string()])('isCidV0 never throws and rejects non-CIDs', (text) => {
    fc.pre(!text.startsWith('Qm'));
    expect(isCidV0(text)).toBe(false);
  });

  it.each([
    ['a CIDv1', 'bafybeicyzvi6gmjpb42cxiziwxg5m5yp6ghtlgi6t6ngckzuijppb4gu4m'],
    ['a truncated CID', CID.slice(0, 45)],
    ['a non-base58 CID', `${CID.slice(0, 45)}0`],
  ])('rejects %s with CORE__INVALID_CID', (_, cid) => {
    expect(() => cidToBytes32(cid)).toThrowError(/is not a CIDv0/);
    try {
      cidToBytes32(cid);
    } catch (error) {
      expect(isNosanaError(error, 'CORE__INVALID_CID') && error.context.cid).toBe(cid);
    }
  });

  it('rejects digests of the wrong length with CORE__INVALID_BYTES32', () => {
    expect(() => bytes32ToCid(new Uint8Array(31))).toThrowError(
      'expected 32 bytes for an IPFS digest, got 31',
    );
  });

  it('recognizes the null digest of an unfinished job', () => {
    expect(isNullDigest(new Uint8Array(32))).toBe(true);
    expect(isNullDigest(cidToBytes32(CID))).toBe(false);
  });
});
