import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressError } from './address-error.js';
import { compareIpAddress, ipAddressFromBytes, parseIpAddress, tryParseIpAddress } from './ip-address.js';
import { Ipv4Address } from './ipv4-address.js';
import { Ipv6Address } from './ipv6-address.js';
import {
  commonPrefixLength,
  formatPrefix,
  maskAddress,
  maskPrefix,
  netmask,
  netmask6,
  parsePrefix,
  prefixContains,
  prefixLengthFromNetmask,
  tryParsePrefix,
} from './prefix.js';

const ip = parseIpAddress;

describe('parseIpAddress', () => {
  it('parses either family', () => {
    expect(ip('10.0.0.1').family).toBe('ipv4');
    expect(ip('::1').family).toBe('ipv6');
    expect(tryParseIpAddress('nope')).toBeNull();
    expect(() => ip('1.2.3')).toThrow('invalid IPv4 address "1.2.3": expected 4 parts');
    expect(() => ip('1::2::3')).toThrow('invalid IPv6 address "1::2::3": more than one "::"');
  });

  it('reads either family from bytes and sorts mixed lists', () => {
    const bytes = new Uint8Array([10, 0, 0, 1]);
    expect(ipAddressFromBytes('ipv4', bytes).toString()).toBe('10.0.0.1');
    const list = ['::1', '10.0.0.2', 'fe80::', '10.0.0.1'].map((t) => ip(t));
    expect(list.sort(compareIpAddress).map(String)).toEqual(['10.0.0.1', '10.0.0.2', '::1', 'fe80::']);
  });
});

describe('parsePrefix', () => {
  it('parses both families and keeps host bits unless strict', () => {
    const p = parsePrefix('10.0.0.0/8');
    expect(p.address.toString()).toBe('10.0.0.0');
    expect(p.prefixLength).toBe(8);
    expect(formatPrefix(parsePrefix('192.168.1.5/24'))).toBe('192.168.1.5/24');
    expect(formatPrefix(parsePrefix('2001:DB8::/32'))).toBe('2001:db8::/32');
    expect(parsePrefix('0.0.0.0/0').prefixLength).toBe(0);
    expect(parsePrefix('::/128').prefixLength).toBe(128);
    expect(formatPrefix(parsePrefix('10.0.0.0/8', { strict: true }))).toBe('10.0.0.0/8');
  });

  it.each([
    ['10.0.0.0', 'missing "/length"'],
    ['10.0.0.0/', 'prefix length "" is not a number'],
    ['10.0.0.0/x', 'prefix length "x" is not a number'],
    ['10.0.0.0/-1', 'prefix length "-1" is not a number'],
    ['10.0.0.0/8/8', 'prefix length "8/8" is not a number'],
    ['10.0.0.0/33', 'prefix length 33 out of range 0..32'],
    ['::/129', 'prefix length 129 out of range 0..128'],
    ['10.0.0/8', '"10.0.0" is not an IP address'],
  ])('rejects %j: %s', (text, reason) => {
    expect(tryParsePrefix(text)).toBeNull();
    expect(() => parsePrefix(text)).toThrow(new AddressError('prefix', text, reason));
  });

  it('rejects host bits when strict, suggesting the network', () => {
    expect(() => parsePrefix('10.1.0.0/8', { strict: true })).toThrow(
      'invalid prefix "10.1.0.0/8": host bits set (did you mean 10.0.0.0/8?)',
    );
    expect(() => parsePrefix('2001:db8::1/64', { strict: true })).toThrow('did you mean 2001:db8::/64?');
    expect(tryParsePrefix('10.1.0.0/8', { strict: true })).toBeNull();
  });

  it('maskPrefix clears host bits', () => {
    expect(formatPrefix(maskPrefix(parsePrefix('192.168.1.5/24')))).toBe('192.168.1.0/24');
    expect(formatPrefix(maskPrefix(parsePrefix('2001:db8:1:2:3::1/36')))).toBe('2001:db8::/36');
  });
});

describe('prefix arithmetic', () => {
  it('builds netmasks of both families', () => {
    expect(netmask('ipv4', 20).toString()).toBe('255.255.240.0');
    expect(netmask('ipv6', 64).toString()).toBe('ffff:ffff:ffff:ffff::');
    expect(netmask6(0).toString()).toBe('::');
    expect(netmask6(128).toString()).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
    expect(netmask6(65).toString()).toBe('ffff:ffff:ffff:ffff:8000::');
    expect(() => netmask6(129)).toThrow(RangeError);
    expect(() => netmask('ipv4', 33)).toThrow(RangeError);
  });

  it('derives prefix lengths from netmasks, rejecting non-contiguous ones', () => {
    for (let len = 0; len <= 128; len++) expect(prefixLengthFromNetmask(netmask6(len))).toBe(len);
    for (let len = 0; len <= 32; len++) expect(prefixLengthFromNetmask(netmask('ipv4', len))).toBe(len);
    expect(() => prefixLengthFromNetmask(ip('255.0.255.0'))).toThrow('invalid netmask "255.0.255.0": not contiguous');
    expect(() => prefixLengthFromNetmask(ip('ffff::ffff'))).toThrow(AddressError);
    expect(() => prefixLengthFromNetmask(ip('ffff:fffe:ffff::'))).toThrow(AddressError);
    expect(() => prefixLengthFromNetmask(ip('ffff:ffff:0:ffff::'))).toThrow(AddressError);
    expect(() => prefixLengthFromNetmask(ip('7fff::'))).toThrow(AddressError);
  });

  it('masks addresses of both families', () => {
    expect(maskAddress(ip('10.255.1.2'), 12).toString()).toBe('10.240.0.0');
    expect(maskAddress(Ipv4Address.parse('10.255.1.2'), 0).toString()).toBe('0.0.0.0');
    expect(maskAddress(ip('2001:db8:ffff:ffff::1'), 48).toString()).toBe('2001:db8:ffff::');
    expect(maskAddress(ip('2001:db8::1'), 128).toString()).toBe('2001:db8::1');
    expect(() => maskAddress(ip('::1'), 129)).toThrow(RangeError);
  });

  it('tests containment, false across families', () => {
    expect(prefixContains(ip('10.0.0.0'), 8, ip('10.9.9.9'))).toBe(true);
    expect(prefixContains(ip('10.0.0.0'), 8, ip('11.0.0.0'))).toBe(false);
    expect(prefixContains(ip('2001:db8::'), 32, ip('2001:db8:1::1'))).toBe(true);
    expect(prefixContains(ip('2001:db8::'), 33, ip('2001:db8:8000::'))).toBe(false);
    expect(prefixContains(ip('::'), 0, ip('ffff::'))).toBe(true);
    expect(prefixContains(ip('::'), 0, ip('1.2.3.4'))).toBe(false);
    expect(prefixContains(ip('0.0.0.0'), 0, ip('::'))).toBe(false);
  });

  it('computes common prefix lengths', () => {
    expect(commonPrefixLength(ip('10.0.0.0'), ip('10.0.0.1'))).toBe(31);
    expect(commonPrefixLength(ip('2001:db8::1'), ip('2001:db8::1'))).toBe(128);
    expect(commonPrefixLength(ip('2001:db8::1'), ip('2001:db8::'))).toBe(127);
    expect(commonPrefixLength(ip('8000::'), ip('::'))).toBe(0);
    expect(commonPrefixLength(ip('2001:db8:0:0:8000::'), ip('2001:db8::'))).toBe(64);
    expect(() => commonPrefixLength(ip('::'), ip('0.0.0.0'))).toThrow(TypeError);
  });

  it('containment agrees with the common prefix length (property)', () => {
    const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Ipv6Address.fromBytes(b));
    fc.assert(
      fc.property(v6, v6, fc.integer({ min: 0, max: 128 }), (a, b, len) => {
        expect(prefixContains(a, len, b)).toBe(commonPrefixLength(a, b) >= len);
        expect(prefixContains(maskAddress(a, len), len, a)).toBe(true);
      }),
    );
    const v4 = fc.integer({ min: 0, max: 0xffffffff }).map((v) => new Ipv4Address(v));
    fc.assert(
      fc.property(v4, v4, fc.integer({ min: 0, max: 32 }), (a, b, len) => {
        expect(prefixContains(a, len, b)).toBe(commonPrefixLength(a, b) >= len);
      }),
    );
  });
});
