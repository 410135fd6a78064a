// Hostile ND input (RFC 4861 §6.1, §7.1, §8.1): every malformed or off-link message is counted and
// dropped without touching any state, and random bytes never throw.
import { PacketBuffer } from '@stack/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitNdMessage, type NdMessage, ndMessageLength } from '../../src/nd/index.js';
import { harness, type Harness, na, ns, outgoing, pio, ra, slla, v6 } from './helpers.js';

function bytesOf(m: NdMessage): Uint8Array {
  const b = new Uint8Array(ndMessageLength(m));
  emitNdMessage(m, b, 0);
  return b;
}

function ready() {
  const h = harness({ dadMaxDelayMs: 0, maxRtrSolicitations: 0 });
  const em0 = h.addInterface();
  h.clock.advance(1000);
  h.sent.length = 0;
  return { h, em0, ll: em0.addresses[0].address.toString() };
}

/** Nothing but counters changed: no routes, no neighbours, nothing sent, no new addresses. */
function untouched(h: Harness, addresses: number) {
  expect(h.routes.list(0, 'ipv6')).toEqual([]);
  expect(h.nd.resolver.list()).toEqual([]);
  expect(h.sent).toEqual([]);
  expect(h.stack.interfaces.get('em0')!.addresses).toHaveLength(addresses);
}

describe('hostile ND input', () => {
  it('drops messages with hop limit 254: they may come from off-link', () => {
    const { h, em0, ll } = ready();
    h.receive(em0, ra({ options: [slla('02:00:00:00:00:01'), pio('2001:db8::', 64, 3600, 1800)] }), { src: 'fe80::1', dst: 'ff02::1', hopLimit: 254 });
    h.receive(em0, ns(ll, [slla('02:00:00:00:00:01')]), { src: 'fe80::1', dst: ll, hopLimit: 254 });
    h.receive(em0, na('fe80::1', { override: true, solicited: true }, '02:00:00:00:00:01'), { src: 'fe80::1', dst: ll, hopLimit: 64 });
    expect(h.counter('nd.rx.bad-hop-limit')).toBe(3);
    untouched(h, 1);
  });

  it('drops non-zero codes, zero-length options, options running past the end, and truncated messages', () => {
    const { h, em0, ll } = ready();
    const code = bytesOf(ns(ll, [slla('02:00:00:00:00:01')]));
    code[1] = 1;
    h.inject(em0, code, { src: 'fe80::1', dst: ll });
    const zero = bytesOf(ns(ll, [slla('02:00:00:00:00:01')]));
    zero[25] = 0;
    h.inject(em0, zero, { src: 'fe80::1', dst: ll });
    const overrun = bytesOf(ns(ll, [slla('02:00:00:00:00:01')]));
    overrun[25] = 2;
    h.inject(em0, overrun, { src: 'fe80::1', dst: ll });
    h.inject(em0, bytesOf(ns(ll, [{ type: 'unknown', code: 1, body: new Uint8Array(6) }])).subarray(0, 28), { src: 'fe80::1', dst: ll });
    h.inject(em0, bytesOf(ns(ll)).subarray(0, 20), { src: 'fe80::1', dst: ll });
    expect([h.counter('nd.rx.bad-code'), h.counter('nd.rx.zero-option-length'), h.counter('nd.rx.option-overrun'), h.counter('nd.rx.truncated')]).toEqual([1, 1, 2, 1]);
    expect(h.counter('nd.rx.ns')).toBe(0);
    untouched(h, 1);
  });

  it('ignores advertisements for unknown targets and solicitations/advertisements for multicast targets', () => {
    const { h, em0, ll } = ready();
    h.receive(em0, na('fe80::99', { solicited: true, override: true }, '02:00:00:00:00:99'), { src: 'fe80::99', dst: ll });
    h.receive(em0, na('ff02::1', { override: true }, '02:00:00:00:00:99'), { src: 'fe80::99', dst: 'ff02::1' });
    h.receive(em0, ns('ff02::1', [slla('02:00:00:00:00:99')]), { src: 'fe80::99', dst: 'ff02::1' });
    expect([h.counter('nd.rx.unknown-target'), h.counter('nd.rx.multicast-target')]).toEqual([1, 2]);
    untouched(h, 1);
  });

  it('drops a solicited advertisement sent to a multicast address, and DAD probes that break the rules', () => {
    const { h, em0, ll } = ready();
    h.receive(em0, na(ll, { solicited: true, override: true }, '02:00:00:00:00:99'), { src: 'fe80::99', dst: 'ff02::1' });
    expect(h.counter('nd.rx.solicited-to-multicast')).toBe(1);
    h.receive(em0, ns(ll), { src: '::', dst: ll }); // DAD probe not to the solicited-node group
    h.receive(em0, ns(ll, [slla('02:00:00:00:00:99')]), { src: '::', dst: 'ff02::1:ff00:1' }); // DAD probe with SLLA
    expect([h.counter('nd.rx.dad-not-solicited-node'), h.counter('nd.rx.unspecified-with-slla')]).toEqual([1, 1]);
    expect(em0.addresses[0].isActive(em0)).toBe(true);
    untouched(h, 1);
  });

  it('drops router advertisements and redirects from a source that is not link-local', () => {
    const { h, em0, ll } = ready();
    h.receive(em0, ra({ options: [slla('02:00:00:00:00:01'), pio('2001:db8::', 64, 3600, 1800)] }), { src: '2001:db8::1', dst: 'ff02::1' });
    h.receive(em0, { kind: 'redirect', code: 0, target: new Uint8Array(16).fill(0xfe, 0, 1), destination: new Uint8Array(16), options: [] }, { src: '2001:db8::1', dst: ll });
    expect([h.counter('nd.rx.ra-not-link-local'), h.counter('nd.rx.redirect-not-link-local')]).toEqual([1, 1]);
    untouched(h, 1);
  });

  it('survives random bytes of every ND and MLD type, releasing every buffer', () => {
    const { h, em0 } = ready();
    const types = fc.constantFrom(130, 131, 132, 133, 134, 135, 136, 137, 143);
    fc.assert(
      fc.property(types, fc.uint8Array({ maxLength: 200 }), fc.constantFrom('fe80::1', '::', '2001:db8::1'), fc.constantFrom('ff02::1', 'ff02::1:ff00:1'), fc.constantFrom(255, 1), fc.boolean(), (type, rest, src, dst, hopLimit, alert) => {
        const bytes = Uint8Array.from([type, 0, 0, 0, ...rest]);
        let released = 0;
        const buf = PacketBuffer.from(bytes, 48);
        buf.release = () => void released++;
        buf.src.set(v6(src));
        buf.dst.set(v6(dst));
        h.stack.batch(() => h.nd.input(em0, buf, type, hopLimit, alert));
        expect(released).toBe(1);
      }),
      { numRuns: 2000 },
    );
    h.clock.advance(60_000);
  });

  it('counts messages on interfaces without ND and bad next hops handed to the resolver', () => {
    const { h, em0, ll } = ready();
    const out = new Uint8Array(6);
    expect(h.nd.resolver.resolve(em0, outgoing('ff02::5', ll, 1), out, () => {})).toBe(0);
    expect(h.counter('nd.cache.bad-next-hop')).toBe(1);
    const lo = h.stack.interfaces.get('lo0')!;
    h.receive(lo, ns('::1'), { src: '::1', dst: '::1' });
    expect(h.counter('nd.rx.not-nd-interface')).toBe(1);
  });
});
