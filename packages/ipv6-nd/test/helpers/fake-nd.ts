// A stand-in for neighbour discovery behind the seam (src/nd-seam.ts), so IPv6 tests control group
// membership, RA-learnt values and resolution without ND's timers. Resolution answers from a
// static table shared by the stacks of a test (`neighbours`), or drops.
import { ipv6MulticastMac, type NeighbourResolver, type NetInterface, type PacketBuffer } from '@stack/core';
import type { NdHost, NdParts } from '../../src/nd-seam.js';

export interface FakeNd extends NdParts {
  readonly host: NdHost;
  /** ND/MLD messages handed to ND: [type, hopLimit, routerAlert]. */
  readonly received: Array<[number, number, boolean]>;
  /** Cur Hop Limit / link MTU "learnt from RAs", per ifindex. */
  readonly hopLimits: Map<number, number>;
  readonly linkMtus: Map<number, number>;
  /** Interfaces where IPv6 is "disabled" (RFC 4862 §5.4.5), by ifindex. */
  readonly disabled: Set<number>;
  disposed: boolean;
}

function key(ifindex: number, b: Uint8Array, o = 0): string {
  return `${ifindex}/${Array.from(b.subarray(o, o + 16)).join('.')}`;
}

/** IPv6 address text → MAC bytes, shared by the stacks of one test. */
export type NeighbourTable = Map<string, Uint8Array>;

export function fakeNdFactory(neighbours: NeighbourTable = new Map(), created: FakeNd[] = []): (host: NdHost) => FakeNd {
  return (host) => {
    const groups = new Map<string, number>();
    const mac = new Uint8Array(6);
    const resolver: NeighbourResolver = {
      resolve(_ifp, buf: PacketBuffer, out: Uint8Array) {
        const text = Array.from({ length: 8 }, (_, i) => ((buf.nextHop[2 * i] << 8) | buf.nextHop[2 * i + 1]).toString(16)).join(':');
        const known = neighbours.get(text);
        if (known === undefined) {
          host.sendAddressUnreachable(buf);
          buf.release();
          return 0;
        }
        out.set(known);
        return known.length;
      },
      list: () => [],
      addStatic() {},
      remove: () => false,
      flush() {},
      announce() {},
    };
    const nd: FakeNd = {
      host,
      resolver,
      received: [],
      hopLimits: new Map(),
      linkMtus: new Map(),
      disabled: new Set(),
      disposed: false,
      input(_ifp, buf, type, hopLimit, routerAlert) {
        nd.received.push([type, hopLimit, routerAlert]);
        buf.release();
      },
      joinGroup(ifp: NetInterface, group: Uint8Array) {
        const k = key(ifp.index, group);
        const n = groups.get(k) ?? 0;
        groups.set(k, n + 1);
        if (n === 0) {
          ipv6MulticastMac(group, 0, mac, 0);
          host.stack.linkLayerOf(ifp)?.joinMulticast(ifp, mac);
        }
      },
      leaveGroup(ifp: NetInterface, group: Uint8Array) {
        const k = key(ifp.index, group);
        const n = groups.get(k) ?? 0;
        if (n <= 1) {
          groups.delete(k);
          ipv6MulticastMac(group, 0, mac, 0);
          if (n === 1) host.stack.linkLayerOf(ifp)?.leaveMulticast(ifp, mac);
        } else groups.set(k, n - 1);
      },
      isMember(ifindex, group, offset) {
        // ff02::1, every node (RFC 4291 §2.7.1).
        let allNodes = group[offset] === 0xff && group[offset + 1] === 0x02 && group[offset + 15] === 1;
        for (let i = 2; i < 15 && allNodes; i++) if (group[offset + i] !== 0) allNodes = false;
        return allNodes || groups.has(key(ifindex, group, offset));
      },
      hopLimit: (ifindex) => nd.hopLimits.get(ifindex) ?? 0,
      linkMtu: (ifindex) => nd.linkMtus.get(ifindex) ?? 0,
      isDisabled: (ifindex) => nd.disabled.has(ifindex),
      dispose() {
        nd.disposed = true;
        groups.clear();
      },
    };
    created.push(nd);
    return nd;
  };
}
