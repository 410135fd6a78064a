import { describe, expect, it } from 'vitest';
import { eui64InterfaceId, isReservedInterfaceId, stableInterfaceId } from './interface-id.js';
import { sha256 } from './sha256.js';
import { utf8Bytes } from './utf8.js';

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

describe('SHA-256 (FIPS 180-4 test vectors)', () => {
  it('hashes the standard messages', () => {
    expect(hex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256(utf8Bytes('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256(utf8Bytes('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(hex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('handles lengths around the padding boundary', () => {
    // 55 and 56 bytes straddle the one-block / two-block boundary.
    expect(hex(sha256(new Uint8Array(55).fill(0x61)))).toBe('9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318');
    expect(hex(sha256(new Uint8Array(56).fill(0x61)))).toBe('b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a');
  });
});

describe('interface identifiers', () => {
  it('EUI-64 inverts the U/L bit and inserts ff:fe (RFC 4291 App. A)', () => {
    expect(hex(eui64InterfaceId(Uint8Array.of(0x00, 0x11, 0x22, 0x33, 0x44, 0x55)))).toBe('021122fffe334455');
    expect(hex(eui64InterfaceId(Uint8Array.of(0x02, 0, 0, 0, 0, 1)))).toBe('000000fffe000001');
  });

  it('stable identifiers depend on prefix, interface, counter and secret, and nothing else (RFC 7217 §5)', () => {
    const secret = utf8Bytes('0123456789abcdef');
    const p1 = Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, ...new Array(8).fill(0));
    const p2 = Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, ...new Array(8).fill(0));
    const a = stableInterfaceId(p1, 'em0', 0, secret);
    expect(stableInterfaceId(p1, 'em0', 0, secret)).toEqual(a);
    expect(a.dadCounter).toBe(0);
    expect(hex(stableInterfaceId(p2, 'em0', 0, secret).iid)).not.toBe(hex(a.iid));
    expect(hex(stableInterfaceId(p1, 'em1', 0, secret).iid)).not.toBe(hex(a.iid));
    expect(hex(stableInterfaceId(p1, 'em0', 1, secret).iid)).not.toBe(hex(a.iid));
    expect(hex(stableInterfaceId(p1, 'em0', 0, utf8Bytes('another secret!!')).iid)).not.toBe(hex(a.iid));
    // Only the first 64 bits of the prefix count.
    const p1b = p1.slice();
    p1b[15] = 9;
    expect(stableInterfaceId(p1b, 'em0', 0, secret)).toEqual(a);
  });

  it('knows the reserved identifiers (RFC 5453)', () => {
    expect(isReservedInterfaceId(new Uint8Array(8))).toBe(true);
    expect(isReservedInterfaceId(Uint8Array.of(0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80))).toBe(true);
    expect(isReservedInterfaceId(Uint8Array.of(0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f))).toBe(false);
    expect(isReservedInterfaceId(Uint8Array.of(0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x52, 0x12))).toBe(true);
    expect(isReservedInterfaceId(Uint8Array.of(0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x52, 0x13))).toBe(false);
  });
});
