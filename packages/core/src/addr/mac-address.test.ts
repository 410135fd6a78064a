import { describe, expect, it } from 'vitest';
import { AddressError } from './address-error.js';
import { MacAddress } from './mac-address.js';

describe('MacAddress', () => {
  it('parses colon and dash forms, any case, and formats lowercase colons', () => {
    expect(MacAddress.parse('AA:bb:CC:dd:EE:ff').toString()).toBe('aa:bb:cc:dd:ee:ff');
    expect(MacAddress.parse('02-00-5e-10-00-01').toString()).toBe('02:00:5e:10:00:01');
    expect(MacAddress.parse('0:1:2:3:4:5').toString()).toBe('00:01:02:03:04:05');
  });

  it.each([
    ['', 'missing octet'],
    ['aa:bb:cc:dd:ee', 'expected 6 octets'],
    ['aa:bb:cc:dd:ee:ff:00', 'too long'],
    ['aa:bb:cc:dd:ee:', 'missing octet'],
    ['aa:bb-cc:dd:ee:ff', 'unexpected "-"'],
    ['aa.bb.cc.dd.ee.ff', 'unexpected "."'],
    ['aab:b:cc:dd:ee:f', 'octet with more than 2 hex digits'],
    ['gg:bb:cc:dd:ee:ff', 'unexpected "g"'],
  ])('rejects %j: %s', (text, reason) => {
    expect(MacAddress.tryParse(text)).toBeNull();
    expect(() => MacAddress.parse(text)).toThrow(new AddressError('MAC address', text, reason));
  });

  it('converts to and from bytes and compares bytes in place', () => {
    const mac = MacAddress.fromBytes(new Uint8Array([9, 0x02, 0, 0x5e, 0x10, 0, 0x01]), 1);
    expect(mac.toString()).toBe('02:00:5e:10:00:01');
    expect([...mac.bytes]).toEqual([2, 0, 0x5e, 0x10, 0, 1]);
    const copy = mac.toBytes();
    copy[0] = 0xff;
    expect(mac.toString()).toBe('02:00:5e:10:00:01');
    const frame = new Uint8Array(10);
    mac.copyTo(frame, 4);
    expect(mac.equalsBytes(frame, 4)).toBe(true);
    expect(mac.equalsBytes(frame, 3)).toBe(false);
    expect(() => MacAddress.fromBytes(new Uint8Array(5))).toThrow(RangeError);
  });

  it('compares and tests equality', () => {
    const a = MacAddress.parse('00:00:00:00:00:01');
    const b = MacAddress.parse('00:00:00:00:01:00');
    const c = MacAddress.parse('01:00:00:00:00:00');
    expect(a.compare(b)).toBeLessThan(0);
    expect(c.compare(b)).toBeGreaterThan(0);
    expect(a.compare(MacAddress.parse('0:0:0:0:0:1'))).toBe(0);
    expect(a.equals(MacAddress.parse('0:0:0:0:0:1'))).toBe(true);
    expect(a.equals(b)).toBe(false);
    expect(a.equals(null)).toBe(false);
  });

  it('classifies addresses', () => {
    expect(MacAddress.BROADCAST.isBroadcast()).toBe(true);
    expect(MacAddress.BROADCAST.isMulticast()).toBe(true);
    expect(MacAddress.parse('01:00:5e:00:00:01').isMulticast()).toBe(true);
    expect(MacAddress.parse('01:00:5e:00:00:01').isBroadcast()).toBe(false);
    expect(MacAddress.parse('02:00:00:00:00:01').isMulticast()).toBe(false);
    expect(MacAddress.parse('02:00:00:00:00:01').isLocallyAdministered()).toBe(true);
    expect(MacAddress.parse('00:1b:21:00:00:01').isLocallyAdministered()).toBe(false);
    expect(MacAddress.ZERO.isZero()).toBe(true);
  });

  it('BROADCAST is an immutable constant', () => {
    expect(Object.isFrozen(MacAddress.BROADCAST)).toBe(true);
    expect(MacAddress.BROADCAST.toString()).toBe('ff:ff:ff:ff:ff:ff');
    expect(() => {
      (MacAddress.BROADCAST as { high: number }).high = 0;
    }).toThrow(TypeError);
  });
});
