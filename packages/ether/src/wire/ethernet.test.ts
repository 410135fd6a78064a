import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexBytes } from '@stack/sim';
import {
  EtherType,
  EthernetFrameView,
  emitEthernetHeader,
  ethernetHeaderLength,
  ethernetPaddedLength,
  padEthernetFrame,
  parseEthernetHeader,
  vlanTci,
} from './index.js';
import type { EthernetHeader, VlanTag } from './index.js';

const hex = hexBytes;

// A broadcast ARP request (who-has 192.168.0.199 tell 192.168.0.1), as captured, without FCS.
const arpRequestFrame = hex(
  'ffffffffffff 001122334455 0806' +
    '0001 0800 06 04 0001 001122334455 c0a80001 000000000000 c0a800c7' +
    '000000000000000000000000000000000000',
);

describe('EthernetFrameView', () => {
  it('reads an untagged ARP broadcast', () => {
    const v = new EthernetFrameView(arpRequestFrame, 0, arpRequestFrame.length);
    expect(v.check()).toBeNull();
    expect(v.isDstBroadcast).toBe(true);
    expect(v.isDstGroup).toBe(true);
    expect(v.etherType).toBe(EtherType.ARP);
    expect(v.vlanTagCount).toBe(0);
    expect(v.vlanId).toBe(-1);
    expect(v.payloadOffset).toBe(14);
    expect(v.payloadLength).toBe(46);
    const src = new Uint8Array(6);
    v.copySrc(src);
    expect(src).toEqual(hex('001122334455'));
  });

  it('walks an 802.1Q tag', () => {
    const f = hex('0a0000000001 0a0000000002 8100 6064 0800 4500');
    const v = new EthernetFrameView().reset(f, 0, f.length);
    expect(v.check()).toBeNull();
    expect(v.vlanTagCount).toBe(1);
    expect(v.vlanTci(0)).toBe(vlanTci(3, false, 100));
    expect(v.vlanId).toBe(100);
    expect(v.etherType).toBe(EtherType.IPV4);
    expect(v.payloadOffset).toBe(18);
    expect(v.isDstGroup).toBe(false);
  });

  it('walks a QinQ (802.1ad outer, 802.1Q inner) stack at an offset', () => {
    const f = hex('eeee 0a0000000001 0a0000000002 88a8 00c8 8100 0064 86dd 6000');
    const v = new EthernetFrameView(f, 2, f.length - 2);
    expect(v.check()).toBeNull();
    expect(v.vlanTagCount).toBe(2);
    expect(v.vlanTpid(0)).toBe(EtherType.QINQ);
    expect(v.vlanTpid(1)).toBe(EtherType.VLAN);
    expect(v.vlanId).toBe(100);
    expect(v.etherType).toBe(EtherType.IPV6);
    expect(v.payloadOffset).toBe(24);
    expect(v.payloadLength).toBe(2);
  });

  it('exposes its range and the outer ethertype', () => {
    const f = hex('eeee 0a0000000001 0a0000000002 88a8 00c8 8100 0064 86dd');
    const v = new EthernetFrameView(f, 2, f.length - 2);
    expect(v.check()).toBeNull();
    expect([v.bytes, v.offset, v.length]).toEqual([f, 2, 22]);
    expect([v.dstOffset, v.srcOffset, v.headerLength]).toEqual([2, 8, 22]);
    expect(v.outerEtherType).toBe(EtherType.QINQ);
    const dst = new Uint8Array(8);
    v.copyDst(dst, 2);
    expect(dst).toEqual(hex('0000 0a0000000001'));
  });

  it('refuses LLC frames, deep tag stacks and truncated tags', () => {
    const stp = hex('0180c2000000 001122334455 0026 424203 0000');
    expect(new EthernetFrameView(stp).check()).toBe('llc-unsupported');
    const deep = hex('0a0000000001 0a0000000002 88a8 0001 8100 0002 8100 0003 0800');
    expect(new EthernetFrameView(deep).check()).toBe('too-many-vlan-tags');
    const cut = hex('0a0000000001 0a0000000002 8100 0064');
    expect(new EthernetFrameView(cut).check()).toBe('truncated');
    expect(new EthernetFrameView(new Uint8Array(13)).check()).toBe('truncated');
    expect(new EthernetFrameView(new Uint8Array(20), 10, 20).check()).toBe('truncated');
    expect(new EthernetFrameView(new Uint8Array(20), -1, 15).check()).toBe('truncated');
  });

  it('writes fields in place', () => {
    const f = hex('0a0000000001 0a0000000002 8100 6064 0800');
    const v = new EthernetFrameView(f);
    expect(v.check()).toBeNull();
    v.setDst(hex('ffffffffffff'));
    v.setSrc(hex('00aabbccddeeff'), 1);
    v.etherType = EtherType.ARP;
    v.setVlanTci(0, vlanTci(0, true, 7));
    expect(f).toEqual(hex('ffffffffffff aabbccddeeff 8100 1007 0806'));
  });
});

describe('padding', () => {
  it('pads short frames with zeros up to 60 bytes', () => {
    const buf = new Uint8Array(80).fill(0xaa);
    expect(padEthernetFrame(buf, 4, 42)).toBe(60);
    expect(buf.subarray(46, 64).every((b) => b === 0)).toBe(true);
    expect(buf[64]).toBe(0xaa);
    expect(padEthernetFrame(buf, 0, 70)).toBe(70);
    expect(ethernetPaddedLength(14)).toBe(60);
    expect(() => padEthernetFrame(new Uint8Array(50), 0, 42)).toThrow(RangeError);
  });
});

const mac = fc.uint8Array({ minLength: 6, maxLength: 6 });
const tag = (tpid: number) =>
  fc.record({
    tpid: fc.constant(tpid),
    pcp: fc.integer({ min: 0, max: 7 }),
    dei: fc.boolean(),
    vid: fc.integer({ min: 0, max: 4095 }),
  });
const header: fc.Arbitrary<EthernetHeader> = fc.record({
  dst: mac,
  src: mac,
  vlanTags: fc.oneof(
    fc.constant<VlanTag[]>([]),
    fc.tuple(tag(EtherType.VLAN)),
    fc.tuple(tag(EtherType.QINQ)),
    fc.tuple(tag(EtherType.QINQ), tag(EtherType.VLAN)),
  ),
  etherType: fc.integer({ min: 0x0600, max: 0xffff }).filter((t) => t !== EtherType.VLAN && t !== EtherType.QINQ),
});

describe('properties', () => {
  it('parse(emit(h)) is h', () => {
    fc.assert(
      fc.property(header, fc.nat(8), (h, at) => {
        const buf = new Uint8Array(at + ethernetHeaderLength(h));
        expect(emitEthernetHeader(h, buf, at)).toBe(ethernetHeaderLength(h));
        expect(parseEthernetHeader(buf, at, buf.length - at)).toEqual(h);
      }),
    );
  });

  it('never throws on arbitrary bytes and ranges', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.integer({ min: -4, max: 110 }),
        fc.integer({ min: -4, max: 110 }),
        (b, off, len) => {
          const r = parseEthernetHeader(b, off, len);
          const v = new EthernetFrameView(b, off, len);
          const failure = v.check();
          expect('error' in r ? r.error : null).toBe(failure);
          if (failure === null) {
            expect(v.payloadOffset + v.payloadLength).toBe(off + len);
          }
        },
      ),
    );
  });
});
