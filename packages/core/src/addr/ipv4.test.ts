import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressError } from './address-error.js';
import {
  commonPrefixLength4,
  directedBroadcast4,
  ipv4FromBytes,
  ipv4ToBytes,
  netmask4,
  prefixContains4,
  prefixLengthFromNetmask4,
} from './ipv4-int.js';
import { formatIpv4, parseIpv4, tryParseIpv4 } from './ipv4-text.js';
import { Ipv4Address } from './ipv4-address.js';
import { Ipv6Address } from './ipv6-address.js';

describe('IPv4 text', () => {
  it('parses and formats dotted quads', () => {
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('192.168.0.1')).toBe(0xc0a80001);
    expect(formatIpv4(0xc0a80001)).toBe('192.168.0.1');
    expect(formatIpv4(-1)).toBe('255.255.255.255');
  });

  it.each([
    ['1.2.3', 'expected 4 parts'],
    ['1.2.3.4.5', 'expected 4 parts'],
    ['1..3.4', 'empty part'],
    ['1.2.3.', 'empty part'],
    ['', 'empty part'],
    ['1.2.3.256', 'part greater than 255'],
    ['1.2.3.4 ', 'parts must be decimal numbers'],
    ['1.2.3.0x1', 'parts must be decimal numbers'],
    ['-1.2.3.4', 'parts must be decimal numbers'],
    ['01.2.3.4', 'leading zero in a part (ambiguous octal)'],
  ])('rejects %j: %s', (text, reason) => {
    expect(tryParseIpv4(text)).toBe(-1);
    expect(Ipv4Address.tryParse(text)).toBeNull();
    try {
      parseIpv4(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AddressError);
      const err = e as AddressError;
      expect(err.text).toBe(text);
      expect(err.reason).toBe(reason);
      expect(err.message).toBe(`invalid IPv4 address "${text}": ${reason}`);
    }
  });

  it('gives the example message from the brief', () => {
    expect(() => Ipv4Address.parse('1.2.3')).toThrow('invalid IPv4 address "1.2.3": expected 4 parts');
  });

  it('truncates very long offending text in the message but keeps it whole on the error', () => {
    const text = '1'.repeat(10_000);
    const err = (() => {
      try {
        parseIpv4(text);
      } catch (e) {
        return e as AddressError;
      }
      throw new Error('no error');
    })();
    expect(err.text).toBe(text);
    expect(err.message.length).toBeLessThan(200);
  });

  it('round-trips every value (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        expect(parseIpv4(formatIpv4(v))).toBe(v);
      }),
    );
  });

  it('never throws anything but AddressError on arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        const v = tryParseIpv4(text);
        if (v >= 0) expect(formatIpv4(v)).toBe(text);
        else expect(() => parseIpv4(text)).toThrow(AddressError);
      }),
    );
  });
});

describe('IPv4 integer helpers', () => {
  it('reads and writes bytes big-endian at an offset', () => {
    const bytes = new Uint8Array([9, 192, 168, 0, 1, 9]);
    expect(ipv4FromBytes(bytes, 1)).toBe(0xc0a80001);
    const out = new Uint8Array(6);
    ipv4ToBytes(0xfffefdfc, out, 2);
    expect([...out]).toEqual([0, 0, 0xff, 0xfe, 0xfd, 0xfc]);
  });

  it('computes netmasks, including /0 and /32', () => {
    expect(netmask4(0)).toBe(0);
    expect(netmask4(1)).toBe(0x80000000);
    expect(netmask4(24)).toBe(0xffffff00);
    expect(netmask4(32)).toBe(0xffffffff);
    expect(() => netmask4(33)).toThrow(RangeError);
    expect(() => netmask4(-1)).toThrow(RangeError);
    expect(() => netmask4(1.5)).toThrow(RangeError);
  });

  it('derives prefix lengths from contiguous masks only', () => {
    for (let len = 0; len <= 32; len++) expect(prefixLengthFromNetmask4(netmask4(len))).toBe(len);
    expect(prefixLengthFromNetmask4(0xff00ff00)).toBe(-1);
    expect(prefixLengthFromNetmask4(0x00ffffff)).toBe(-1);
    expect(prefixLengthFromNetmask4(1)).toBe(-1);
  });

  it('tests containment and common prefix length', () => {
    const net = parseIpv4('10.0.0.0');
    expect(prefixContains4(net, 8, parseIpv4('10.255.1.2'))).toBe(true);
    expect(prefixContains4(net, 8, parseIpv4('11.0.0.0'))).toBe(false);
    expect(prefixContains4(net, 0, parseIpv4('200.1.1.1'))).toBe(true);
    expect(prefixContains4(net, 32, net)).toBe(true);
    expect(commonPrefixLength4(net, net)).toBe(32);
    expect(commonPrefixLength4(0, 0x80000000)).toBe(0);
    expect(commonPrefixLength4(parseIpv4('192.168.1.0'), parseIpv4('192.168.0.0'))).toBe(23);
  });

  it('computes directed broadcasts, and none for /31 and /32 (RFC 3021)', () => {
    expect(formatIpv4(directedBroadcast4(parseIpv4('192.168.1.7'), 24))).toBe('192.168.1.255');
    expect(formatIpv4(directedBroadcast4(parseIpv4('10.0.0.0'), 8))).toBe('10.255.255.255');
    expect(directedBroadcast4(parseIpv4('0.0.0.0'), 0)).toBe(0xffffffff);
    expect(directedBroadcast4(parseIpv4('10.0.0.0'), 31)).toBe(-1);
    expect(directedBroadcast4(parseIpv4('10.0.0.0'), 32)).toBe(-1);
    expect(() => directedBroadcast4(0, 33)).toThrow(RangeError);
  });
});

describe('Ipv4Address', () => {
  it('wraps an unsigned value and accepts int32 results of bitwise operators', () => {
    expect(new Ipv4Address(-1).value).toBe(0xffffffff);
    expect(new Ipv4Address(0xc0a80001 & 0xffffff00).toString()).toBe('192.168.0.0');
    expect(() => new Ipv4Address(2 ** 32)).toThrow(RangeError);
    expect(() => new Ipv4Address(0.5)).toThrow(RangeError);
  });

  it('converts to and from bytes', () => {
    const a = Ipv4Address.parse('1.2.3.4');
    expect([...a.toBytes()]).toEqual([1, 2, 3, 4]);
    const out = new Uint8Array(8);
    a.copyTo(out, 3);
    expect(Ipv4Address.fromBytes(out, 3).equals(a)).toBe(true);
    expect(() => Ipv4Address.fromBytes(out, 5)).toThrow(RangeError);
  });

  it('compares: equal values, IPv4 before IPv6, numeric order', () => {
    const a = Ipv4Address.parse('9.0.0.0');
    const b = Ipv4Address.parse('10.0.0.0');
    expect(a.equals(Ipv4Address.parse('9.0.0.0'))).toBe(true);
    expect(a.equals(b)).toBe(false);
    expect(a.equals(null)).toBe(false);
    expect(a.compare(b)).toBeLessThan(0);
    expect(b.compare(a)).toBeGreaterThan(0);
    expect(a.compare(a)).toBe(0);
    expect(Ipv4Address.BROADCAST.compare(Ipv6Address.UNSPECIFIED)).toBeLessThan(0);
    expect(Ipv4Address.parse('255.0.0.0').compare(Ipv4Address.parse('1.0.0.0'))).toBeGreaterThan(0);
  });

  it('classifies addresses', () => {
    const p = Ipv4Address.parse;
    expect(p('224.0.0.1').isMulticast()).toBe(true);
    expect(p('239.255.255.255').isMulticast()).toBe(true);
    expect(p('240.0.0.0').isMulticast()).toBe(false);
    expect(p('255.255.255.255').isLimitedBroadcast()).toBe(true);
    expect(p('127.1.2.3').isLoopback()).toBe(true);
    expect(p('128.0.0.1').isLoopback()).toBe(false);
    expect(p('0.0.0.0').isUnspecified()).toBe(true);
    expect(p('169.254.3.4').isLinkLocal()).toBe(true);
    expect(p('169.255.3.4').isLinkLocal()).toBe(false);
    expect(p('192.168.1.9').directedBroadcast(24)?.toString()).toBe('192.168.1.255');
    expect(p('192.168.1.9').directedBroadcast(31)).toBeNull();
  });

  it('has frozen constants', () => {
    expect(Object.isFrozen(Ipv4Address.ANY)).toBe(true);
    expect(Ipv4Address.LOOPBACK.toString()).toBe('127.0.0.1');
    expect(Ipv4Address.ANY.family).toBe('ipv4');
  });
});
