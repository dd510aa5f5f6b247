import { describe, expect, it } from 'vitest';
import { gatewayContentType, pinataContentType, SNIFF_BYTES } from './content-type.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('gatewayContentType', () => {
  it('reads JSON without a file name as text, as Kubo does', () => {
    expect(gatewayContentType('QmX', utf8('{"ops":[]}'))).toBe('text/plain; charset=utf-8');
  });
  it('uses the extension of the last path segment', () => {
    expect(gatewayContentType('QmX/job.json', utf8('{}'))).toBe('application/json');
    expect(gatewayContentType('QmX/index.html', utf8('<p>'))).toBe('text/html; charset=utf-8');
  });
  it('answers binary and known magic numbers', () => {
    expect(gatewayContentType('QmX', Uint8Array.of(0, 1, 2, 3))).toBe('application/octet-stream');
    expect(gatewayContentType('QmX', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10))).toBe('image/png');
  });
  it('keeps text whose sniffed bytes end inside a multi-byte character', () => {
    const text = utf8(`${'a'.repeat(SNIFF_BYTES - 1)}é`).subarray(0, SNIFF_BYTES);
    expect(gatewayContentType('QmX', text)).toBe('text/plain; charset=utf-8');
  });
});

describe('pinataContentType', () => {
  it("answers JSON as application/json, as Pinata's gateways do; other text and binaries as Kubo does", () => {
    expect(pinataContentType('QmX', utf8(' \n{"ops":[]}'))).toBe('application/json');
    expect(pinataContentType('QmX', utf8('[1,2]'))).toBe('application/json');
    expect(pinataContentType('QmX', utf8('hello'))).toBe('text/plain; charset=utf-8');
    expect(pinataContentType('QmX', Uint8Array.of(0, 1, 2, 3))).toBe('application/octet-stream');
    expect(pinataContentType('QmX/page.html', utf8('{'))).toBe('text/html; charset=utf-8');
  });
});
