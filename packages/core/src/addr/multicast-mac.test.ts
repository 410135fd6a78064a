import { describe, expect, it } from 'vitest';
import { parseIpv4 } from './ipv4-text.js';
import { Ipv6Address } from './ipv6-address.js';
import { MacAddress } from './mac-address.js';
import { ipv4MulticastMac, ipv6MulticastMac } from './multicast-mac.js';

describe('multicast MAC mapping', () => {
  it('maps IPv4 groups to 01:00:5e plus the low 23 bits (RFC 1112 §6.4)', () => {
    const out = new Uint8Array(8);
    ipv4MulticastMac(parseIpv4('224.0.0.251'), out, 1);
    expect(MacAddress.fromBytes(out, 1).toString()).toBe('01:00:5e:00:00:fb');
    ipv4MulticastMac(parseIpv4('239.255.255.250'), out, 0);
    expect(MacAddress.fromBytes(out, 0).toString()).toBe('01:00:5e:7f:ff:fa');
    // The 24th bit is dropped: 224.128.0.1 and 224.0.0.1 share a MAC.
    ipv4MulticastMac(parseIpv4('224.128.0.1'), out, 0);
    expect(MacAddress.fromBytes(out, 0).toString()).toBe('01:00:5e:00:00:01');
  });

  it('maps IPv6 groups to 33:33 plus the last 32 bits (RFC 2464 §7)', () => {
    const out = new Uint8Array(6);
    const group = Ipv6Address.parse('ff02::1:ff0e:8c6c').toBytes();
    ipv6MulticastMac(group, 0, out, 0);
    expect(MacAddress.fromBytes(out).toString()).toBe('33:33:ff:0e:8c:6c');
    const framed = new Uint8Array(20);
    Ipv6Address.ALL_NODES.copyTo(framed, 4);
    ipv6MulticastMac(framed, 4, out, 0);
    expect(MacAddress.fromBytes(out).toString()).toBe('33:33:00:00:00:01');
  });
});
