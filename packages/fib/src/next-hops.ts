import type { AddressFamily, IpAddress, NextHop } from '@stack/core';

/**
 * Ids at or above this value name ECMP groups; below it, single next hops. Both kinds are stored in
 * the same trie leaves, so a lookup tells them apart with one integer comparison.
 * @public
 */
export const GROUP_BASE = 0x40000000;

/** One interned next hop. */
class NextHopEntry implements NextHop {
  readonly id: number;
  readonly family: AddressFamily;
  readonly ifindex: number;
  readonly gateway: IpAddress | null;
  readonly gateway4: number;
  readonly flags: number;
  readonly mtu: number;
  /** @internal */
  readonly key: string | number;
  /** @internal Routes (and groups) that use it. */
  refs = 0;

  constructor(id: number, key: string | number, family: AddressFamily, gateway: IpAddress | null, ifindex: number, flags: number, mtu: number) {
    this.id = id;
    this.key = key;
    this.family = family;
    this.gateway = gateway;
    this.gateway4 = gateway !== null && gateway.family === 'ipv4' ? gateway.value : 0;
    this.ifindex = ifindex;
    this.flags = flags;
    this.mtu = mtu;
  }
}

/** An interned ECMP group: member next-hop ids and weights. */
interface Group {
  readonly id: number;
  readonly key: string;
  readonly members: Int32Array;
  readonly weights: Float64Array;
  /** All weights equal: compare raw hashes, skip the logarithm. */
  readonly uniform: boolean;
  refs: number;
}

/** What a next hop is made of, before interning. */
export interface NextHopSpec {
  readonly family: AddressFamily;
  readonly gateway: IpAddress | null;
  readonly ifindex: number;
  readonly flags: number;
  readonly mtu: number;
}

/** A cheap unique text for a gateway (formatting addresses would dominate a bulk load). */
function gatewayKey(gateway: IpAddress | null): string {
  if (gateway === null) return '';
  return gateway.family === 'ipv4' ? String(gateway.value) : `${gateway.w0},${gateway.w1},${gateway.w2},${gateway.w3}`;
}

/**
 * The interning key of a next hop: a number when it fits in 53 bits (no or an IPv4 gateway,
 * ifindex < 4096, no MTU: the common case, and no string to build), else a text.
 */
function hopKey(spec: NextHopSpec): string | number {
  const g = spec.gateway;
  if (spec.mtu === 0 && spec.ifindex < 4096 && spec.flags < 128 && (g === null || g.family === 'ipv4')) {
    return (((g === null ? 0 : g.value) * 4096 + spec.ifindex) * 128 + spec.flags) * 4 + (g === null ? 2 : 0) + (spec.family === 'ipv6' ? 1 : 0);
  }
  return `${gatewayKey(g)}|${spec.ifindex}|${spec.flags}|${spec.mtu}|${spec.family}`;
}

/** Murmur3's 32-bit finaliser: a cheap, well-mixed integer hash. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Next hops and ECMP groups shared by every FIB of a set, interned so that equal next hops have one
 * id and trie leaves stay small integers. Reference-counted by the routes that use them; an id whose
 * count falls to zero is reused.
 */
export class NextHopTable {
  private readonly hops: (NextHopEntry | undefined)[] = [];
  private readonly groups: (Group | undefined)[] = [];
  private readonly byKey = new Map<string | number, number>();
  private readonly freeHops: number[] = [];
  private readonly freeGroups: number[] = [];

  /** Intern a next hop and take a reference to it. */
  acquire(spec: NextHopSpec): number {
    const key = hopKey(spec);
    const known = this.byKey.get(key);
    if (known !== undefined) {
      this.hops[known]!.refs++;
      return known;
    }
    const id = this.freeHops.length > 0 ? this.freeHops.pop()! : this.hops.length;
    const entry = new NextHopEntry(id, key, spec.family, spec.gateway, spec.ifindex, spec.flags, spec.mtu);
    entry.refs = 1;
    this.hops[id] = entry;
    this.byKey.set(key, id);
    return id;
  }

  /** Intern an ECMP group of already-acquired members (the group takes over their references). */
  acquireGroup(members: readonly number[], weights: readonly number[]): number {
    const key = 'g|' + members.map((m, i) => `${m}*${weights[i]}`).join(',');
    const known = this.byKey.get(key);
    if (known !== undefined) {
      this.groups[known - GROUP_BASE]!.refs++;
      for (const m of members) this.release(m);
      return known;
    }
    const index = this.freeGroups.length > 0 ? this.freeGroups.pop()! : this.groups.length;
    const id = GROUP_BASE + index;
    this.groups[index] = {
      id,
      key,
      members: Int32Array.from(members),
      weights: Float64Array.from(weights),
      uniform: weights.every((w) => w === weights[0]),
      refs: 1,
    };
    this.byKey.set(key, id);
    return id;
  }

  /** Take one more reference to an id already held. */
  retain(id: number): void {
    if (id >= GROUP_BASE) this.groups[id - GROUP_BASE]!.refs++;
    else this.hops[id]!.refs++;
  }

  /** Drop a reference; the id is freed when none remain. */
  release(id: number): void {
    if (id >= GROUP_BASE) {
      const g = this.groups[id - GROUP_BASE]!;
      if (--g.refs > 0) return;
      this.byKey.delete(g.key);
      this.groups[id - GROUP_BASE] = undefined;
      this.freeGroups.push(id - GROUP_BASE);
      for (let i = 0; i < g.members.length; i++) this.release(g.members[i]);
      return;
    }
    const h = this.hops[id]!;
    if (--h.refs > 0) return;
    this.byKey.delete(h.key);
    this.hops[id] = undefined;
    this.freeHops.push(id);
  }

  /** The next hop for an id; for a group, its first member. */
  get(id: number): NextHop {
    const hop = this.hops[id >= GROUP_BASE ? this.members(id)[0] : id];
    if (hop === undefined) throw new RangeError(`no next hop with id ${id}`);
    return hop;
  }

  /** Member ids of a group (a single next hop is its own only member). */
  members(id: number): Int32Array {
    const g = this.groups[id - GROUP_BASE];
    if (g === undefined) throw new RangeError(`no next-hop group with id ${id}`);
    return g.members;
  }

  weights(id: number): Float64Array {
    return this.groups[id - GROUP_BASE]!.weights;
  }

  /**
   * Choose a group member for a flow by weighted rendezvous hashing: every member scores the flow
   * independently, so adding or removing one member moves only the flows that it wins or held.
   */
  select(id: number, flowHash: number): number {
    const g = this.groups[id - GROUP_BASE]!;
    const members = g.members;
    let best = members[0];
    let bestScore = -1;
    for (let i = 0; i < members.length; i++) {
      const h = mix32(flowHash ^ Math.imul(members[i] + 1, 0x9e3779b1));
      // Weighted: -w / ln(u) is the rendezvous score whose winner is proportional to w.
      const score = g.uniform ? h : g.weights[i] / -Math.log((h + 0.5) / 4294967296);
      if (score > bestScore) {
        bestScore = score;
        best = members[i];
      }
    }
    return best;
  }

  /** Number of live next hops and groups. */
  count(): { hops: number; groups: number } {
    return { hops: this.hops.length - this.freeHops.length, groups: this.groups.length - this.freeGroups.length };
  }
}
