import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressError } from './address-error.js';
import { Ipv4Address } from './ipv4-address.js';
import {
  Ipv6Address,
  Ipv6MulticastScope,
  multicastScope,
  solicitedNodeMulticast,
  writeSolicitedNodeMulticast,
} from './ipv6-address.js';

const p = Ipv6Address.parse;

/** Straightforward reference formatter for the property test: RFC 5952 written differently. */
function referenceFormat(words: number[]): string {
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${words[6] >>> 8}.${words[6] & 0xff}.${words[7] >>> 8}.${words[7] & 0xff}`;
  }
  const hex = words.map((w) => w.toString(16));
  let best: [number, number] = [-1, 0];
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i >= 2 && j - i > best[1]) best = [i, j - i];
  }
  if (best[0] < 0) return hex.join(':');
  return `${hex.slice(0, best[0]).join(':')}::${hex.slice(best[0] + best[1]).join(':')}`;
}

describe('Ipv6Address parsing', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['fe80::1:2:3:4', 'fe80::1:2:3:4'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1::2:3:4:5:6:7', '1:0:2:3:4:5:6:7'], // "::" may stand for a single group when parsing
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['::FFFF:c000:0201', '::ffff:192.0.2.1'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['::1.2.3.4', '::102:304'],
  ])('parses %s and formats %s', (text, formatted) => {
    expect(p(text).toString()).toBe(formatted);
    expect(p(formatted).equals(p(text))).toBe(true);
  });

  it.each([
    ['', 'empty'],
    [':', 'leading single ":"'],
    [':1::', 'leading single ":"'],
    ['1:', 'trailing single ":"'],
    [':::', 'empty group (":::")'],
    ['1:::2', 'empty group (":::")'],
    ['1::2::3', 'more than one "::"'],
    ['1:2:3:4:5:6:7', 'expected 8 groups, got 7'],
    ['1:2:3:4:5:6:7:8:9', 'too many groups'],
    ['1:2:3:4::5:6:7:8', 'too many groups with "::"'],
    ['12345::', 'group "12345" has more than 4 hex digits'],
    ['g::', 'group "g" is not hexadecimal'],
    ['fe80::1%eth0', 'zone index not supported'],
    ['1.2.3.4::', 'embedded IPv4 address must be last'],
    ['::1.2.3', 'embedded IPv4 address: expected 4 parts'],
    ['1:2:3:4:5:6:7:1.2.3.4', 'too many groups'],
    ['0000:0000:0000:0000:0000:0000:0000:0000:000001', 'too long'],
  ])('rejects %j: %s', (text, reason) => {
    expect(Ipv6Address.tryParse(text)).toBeNull();
    expect(() => p(text)).toThrow(new AddressError('IPv6 address', text, reason));
  });

  it('never throws anything but AddressError on arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-fA-F:.]{0,45}$/), (text) => {
        const a = Ipv6Address.tryParse(text);
        if (a === null) expect(() => p(text)).toThrow(AddressError);
        else expect(p(a.toString()).equals(a)).toBe(true);
      }),
    );
  });
});

describe('Ipv6Address formatting (RFC 5952)', () => {
  it.each([
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'], // longest run, not the first
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // never a single group
    ['0:0:0:0:0:0:0:0', '::'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['0:1:0:1:0:1:0:1', '0:1:0:1:0:1:0:1'],
    ['2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:0001', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1'],
    ['::ffff:0:0', '::ffff:0.0.0.0'],
  ])('formats %s as %s', (text, formatted) => {
    expect(p(text).toString()).toBe(formatted);
  });

  it('matches a reference formatter and round-trips (property)', () => {
    // Bias groups towards zero so runs of zeros are common.
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (words) => {
        const bytes = new Uint8Array(16);
        words.forEach((w, i) => {
          bytes[2 * i] = w >>> 8;
          bytes[2 * i + 1] = w & 0xff;
        });
        const a = Ipv6Address.fromBytes(bytes);
        expect(a.toString()).toBe(referenceFormat(words));
        expect(p(a.toString()).equals(a)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Ipv6Address values', () => {
  it('copies its bytes in and exposes matching words', () => {
    const src = new Uint8Array(20);
    for (let i = 0; i < 20; i++) src[i] = i * 13;
    const a = Ipv6Address.fromBytes(src, 2);
    src.fill(0);
    expect([...a.bytes]).toEqual(Array.from({ length: 16 }, (_, i) => ((i + 2) * 13) & 0xff));
    expect(a.w0).toBe(((26 << 24) | (39 << 16) | (52 << 8) | 65) >>> 0);
    const b = p('ffff:ffff::ffff:ffff');
    expect([b.w0, b.w1, b.w2, b.w3]).toEqual([0xffffffff, 0, 0, 0xffffffff]);
    expect(() => Ipv6Address.fromBytes(new Uint8Array(15))).toThrow(RangeError);
  });

  it('copyTo and toBytes give independent copies', () => {
    const a = p('2001:db8::1');
    const copy = a.toBytes();
    copy[0] = 0;
    expect(a.toString()).toBe('2001:db8::1');
    const out = new Uint8Array(18);
    a.copyTo(out, 2);
    expect(a.equalsBytes(out, 2)).toBe(true);
    expect(a.equalsBytes(out, 1)).toBe(false);
  });

  it('fromWords and the IPv4 mapping', () => {
    expect(Ipv6Address.fromWords(0x20010db8, 0, 0, 1).toString()).toBe('2001:db8::1');
    const mapped = Ipv6Address.fromIpv4Mapped(Ipv4Address.parse('10.1.2.3'));
    expect(mapped.toString()).toBe('::ffff:10.1.2.3');
    expect(mapped.isIpv4Mapped()).toBe(true);
    expect(mapped.toIpv4Mapped()?.toString()).toBe('10.1.2.3');
    expect(p('::1').toIpv4Mapped()).toBeNull();
  });

  it('compares with a total order', () => {
    const sorted = ['::', '::1', '1::', '2001:db8::', '2001:db8::1', 'fe80::', 'ff02::1'].map((t) => p(t));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = 0; j < sorted.length; j++) expect(Math.sign(sorted[i].compare(sorted[j]))).toBe(Math.sign(i - j));
    }
    expect(p('::').compare(Ipv4Address.BROADCAST)).toBeGreaterThan(0);
    expect(p('::1').equals(Ipv4Address.parse('0.0.0.1'))).toBe(false);
    expect(p('::1').equals(Ipv6Address.LOOPBACK)).toBe(true);
  });

  it('classifies addresses', () => {
    expect(p('fe80::1').isLinkLocal()).toBe(true);
    expect(p('febf:ffff::').isLinkLocal()).toBe(true);
    expect(p('fec0::').isLinkLocal()).toBe(false);
    expect(p('ff02::1').isMulticast()).toBe(true);
    expect(p('fe02::1').isMulticast()).toBe(false);
    expect(p('::1').isLoopback()).toBe(true);
    expect(p('::').isUnspecified()).toBe(true);
    expect(p('::1').isUnspecified()).toBe(false);
    expect(p('fd00::1').isUniqueLocal()).toBe(true);
    expect(p('fe00::1').isUniqueLocal()).toBe(false);
    expect(p('ff02::1:ff00:1').isSolicitedNodeMulticast()).toBe(true);
    expect(p('ff02::1:fe00:1').isSolicitedNodeMulticast()).toBe(false);
  });

  it('reads multicast scopes', () => {
    expect(p('ff02::1').multicastScope()).toBe(Ipv6MulticastScope.LINK_LOCAL);
    expect(multicastScope(p('ff05::2'))).toBe(Ipv6MulticastScope.SITE_LOCAL);
    expect(p('ff1e::1').multicastScope()).toBe(Ipv6MulticastScope.GLOBAL);
    expect(p('2001:db8::').multicastScope()).toBe(-1);
  });

  it('derives solicited-node multicast groups (RFC 4291 §2.7.1)', () => {
    expect(solicitedNodeMulticast(p('2001:db8::1:800:200e:8c6c')).toString()).toBe('ff02::1:ff0e:8c6c');
    expect(p('fe80::aabb:ccdd:eeff:1234').solicitedNodeMulticast().toString()).toBe('ff02::1:ffff:1234');
    // In place, source and output overlapping.
    const bytes = p('2001:db8::abcd:ef01').toBytes();
    writeSolicitedNodeMulticast(bytes, 0, bytes, 0);
    expect(Ipv6Address.fromBytes(bytes).toString()).toBe('ff02::1:ffcd:ef01');
  });

  it('has constants', () => {
    expect(Ipv6Address.ALL_NODES.toString()).toBe('ff02::1');
    expect(Ipv6Address.ALL_ROUTERS.toString()).toBe('ff02::2');
    expect(Ipv6Address.UNSPECIFIED.family).toBe('ipv6');
    expect(Object.isFrozen(Ipv6Address.LOOPBACK)).toBe(true);
  });
});
