import { InterfaceFlags } from '@stack/core';
import { describe, expect, it } from 'vitest';
import { arpFrame, cable, mac, rawHost, sendIpv4 } from './helpers.js';

describe('static entries', () => {
  it('resolve at once without ARP, are listed as permanent, and ignore ARP claiming otherwise', () => {
    const { stack, ifp, driver, arp } = rawHost();
    arp.addStatic(ifp.index, '192.0.2.2', '02:00:00:00:00:22');
    sendIpv4(stack, ifp, '192.0.2.2', [1]);
    expect(driver.sent).toHaveLength(1);
    expect([...driver.sent[0].subarray(0, 6)]).toEqual([...mac('02:00:00:00:00:22')]);
    expect(stack.counters.get('arp.out.requests')).toBe(0);
    // A request from 192.0.2.2 with another MAC does not change a static entry.
    driver.inject(arpFrame({ sha: [2, 0, 0, 0, 0, 0x33] }, mac('02:00:00:00:00:33')));
    expect(stack.counters.get('arp.in.static-mismatch')).toBe(1);
    expect(arp.list()).toEqual([
      { ifindex: ifp.index, address: '192.0.2.2', linkAddress: '02:00:00:00:00:22', state: 'permanent', isRouter: false, expiresIn: NaN, queued: 0 },
    ]);
    expect(arp.format()).toEqual(['? (192.0.2.2) at 02:00:00:00:00:22 on em0 permanent [ethernet] permanent']);
  });

  it('turns an unresolved entry static, sending its queue', () => {
    const { stack, ifp, driver, arp } = rawHost();
    sendIpv4(stack, ifp, '192.0.2.5', [1]);
    sendIpv4(stack, ifp, '192.0.2.5', [2]);
    const requests = driver.sent.length;
    arp.addStatic(ifp.index, '192.0.2.5', '02-00-00-00-00-55');
    expect(driver.sent.slice(requests).map((f) => [f[5], f[14]])).toEqual([
      [0x55, 1],
      [0x55, 2],
    ]);
    expect(arp.list()).toMatchObject([{ state: 'permanent', queued: 0 }]);
  });

  it('are removed by remove() and flush(); dynamic ones too', () => {
    const { net, a } = cable();
    a.arp.addStatic(a.ifp.index, '192.0.2.50', '02:00:00:00:00:50');
    sendIpv4(a.stack, a.ifp, '192.0.2.2', [1], '192.0.2.1');
    net.settle();
    expect(a.arp.list()).toHaveLength(2);
    expect(a.arp.remove(a.ifp.index, '192.0.2.50')).toBe(true);
    expect(a.arp.remove(a.ifp.index, '192.0.2.50')).toBe(false);
    a.arp.flush(a.ifp.index);
    expect(a.arp.list()).toEqual([]);
  });

  it('refuse configuration mistakes with errors naming the argument', () => {
    const { ifp, arp } = rawHost();
    expect(() => arp.addStatic(99, '192.0.2.2', '02:00:00:00:00:22')).toThrow(/^ifindex: /);
    expect(() => arp.addStatic(1, '192.0.2.2', '02:00:00:00:00:22')).toThrow(/^ifindex: ARP does not run on lo0/);
    expect(() => arp.addStatic(ifp.index, '192.0.2', '02:00:00:00:00:22')).toThrow(/^address: /);
    expect(() => arp.addStatic(ifp.index, '224.0.0.1', '02:00:00:00:00:22')).toThrow(/^address: /);
    expect(() => arp.addStatic(ifp.index, '192.0.2.2', '02:00:00:00:22')).toThrow(/^linkAddress: /);
    expect(() => arp.addStatic(ifp.index, '192.0.2.2', '01:00:5e:00:00:01')).toThrow(/^linkAddress: .*unicast/);
    expect(() => arp.remove(ifp.index, 'x')).toThrow(/^address: /);
  });
});

describe('resolve refusals', () => {
  it('refuses next hops ARP cannot resolve, and interfaces with NOARP', () => {
    const { stack, ifp, arp } = rawHost();
    const out = new Uint8Array(16);
    const refuse = (hop: number[]) => {
      const buf = stack.pool.alloc(4);
      buf.family = 'ipv4';
      buf.nextHop.set(hop);
      return arp.resolve(ifp, buf, out, () => {
        throw new Error('must not transmit');
      });
    };
    expect(refuse([0, 0, 0, 0])).toBe(0);
    expect(refuse([224, 0, 0, 5])).toBe(0);
    expect(refuse([255, 255, 255, 255])).toBe(0);
    expect(stack.counters.get('arp.out.bad-next-hop')).toBe(3);
    ifp.setFlag(InterfaceFlags.NOARP, true);
    expect(refuse([192, 0, 2, 2])).toBe(0);
    expect(stack.counters.get('arp.out.noarp')).toBe(1);
    expect(arp.list()).toEqual([]);
    expect(stack.pool.stats.inUse).toBe(0);
  });
});
