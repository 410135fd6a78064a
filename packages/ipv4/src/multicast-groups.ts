import { InterfaceFlags, ipv4MulticastMac, type NetInterface, type Stack } from '@stack/core';

/** The all-hosts group 224.0.0.1, which every multicast-capable host belongs to (RFC 1112 §4). */
const ALL_HOSTS = 0xe0000001;

/** Told when a group gains its first reference on an interface and loses its last (IGMP). */
export interface GroupMembershipListener {
  joined(ifp: NetInterface, group: number): void;
  left(ifp: NetInterface, group: number): void;
}

/**
 * Multicast groups joined per interface, reference counted (RFC 1112 §7.2: JoinHostGroup /
 * LeaveHostGroup). Joining also joins the group's link-layer address; the first join and the last
 * leave are told to the `listener` (IGMP, which reports them; none when IGMP is off).
 */
export class MulticastGroups {
  private readonly byInterface = new Map<number, Map<number, number>>();
  private readonly mac = new Uint8Array(6);
  /** Interfaces whose link layer receives 224.0.0.1 for us. */
  private readonly allHosts = new Set<number>();
  listener: GroupMembershipListener | null = null;

  constructor(private readonly stack: Stack) {}

  join(ifindex: number, group: number): void {
    const ifp = this.stack.interfaces.byIndexFast(ifindex);
    if (ifp === undefined) throw new Error(`ifindex: interface ${ifindex} does not exist`);
    let groups = this.byInterface.get(ifindex);
    if (groups === undefined) {
      groups = new Map();
      this.byInterface.set(ifindex, groups);
    }
    const count = groups.get(group) ?? 0;
    groups.set(group, count + 1);
    if (count === 0) {
      this.linkMembership(ifp, group, true);
      this.listener?.joined(ifp, group);
    }
  }

  leave(ifindex: number, group: number): void {
    const groups = this.byInterface.get(ifindex);
    const count = groups?.get(group);
    if (groups === undefined || count === undefined) return;
    if (count > 1) {
      groups.set(group, count - 1);
      return;
    }
    groups.delete(group);
    if (groups.size === 0) this.byInterface.delete(ifindex);
    const ifp = this.stack.interfaces.byIndexFast(ifindex);
    if (ifp !== undefined) {
      this.linkMembership(ifp, group, false);
      this.listener?.left(ifp, group);
    }
  }

  /**
   * RFC 1112 §7.2: every interface but loopback is a member of 224.0.0.1 for good; receive its
   * link-layer group (01:00:5e:00:00:01), or queries and all-hosts datagrams never reach IPv4.
   * Harmless to repeat; nothing happens before the interface has a link layer.
   */
  joinAllHosts(ifp: NetInterface): void {
    if (ifp.hasFlag(InterfaceFlags.LOOPBACK) || this.allHosts.has(ifp.index)) return;
    if (this.linkMembership(ifp, ALL_HOSTS, true)) this.allHosts.add(ifp.index);
  }

  /** Whether datagrams to `group` received on `ifindex` are for us. */
  isMember(ifindex: number, group: number): boolean {
    if (group === ALL_HOSTS) return true;
    const groups = this.byInterface.get(ifindex);
    return groups !== undefined && groups.has(group);
  }

  /** The groups joined on `ifindex` with their references, in joining order. */
  groupsOf(ifindex: number): [group: number, references: number][] {
    const groups = this.byInterface.get(ifindex);
    return groups === undefined ? [] : [...groups];
  }

  /** Interfaces with at least one group joined. */
  interfaces(): number[] {
    return [...this.byInterface.keys()];
  }

  /** The interface went away: forget its groups (nothing is sent, its link filter went with it). */
  dropInterface(ifindex: number): void {
    this.byInterface.delete(ifindex);
    this.allHosts.delete(ifindex);
  }

  /** Leave every group's link-layer address and forget everything (module unload; no reports). */
  clear(): void {
    for (const [ifindex, groups] of this.byInterface) {
      const ifp = this.stack.interfaces.byIndexFast(ifindex);
      if (ifp === undefined) continue;
      for (const group of groups.keys()) this.linkMembership(ifp, group, false);
    }
    for (const ifindex of this.allHosts) {
      const ifp = this.stack.interfaces.byIndexFast(ifindex);
      if (ifp !== undefined) this.linkMembership(ifp, ALL_HOSTS, false);
    }
    this.byInterface.clear();
    this.allHosts.clear();
  }

  /**
   * Join or leave the group's link-layer address (RFC 1112 §6.4: 01:00:5e + the low 23 bits).
   * False when the interface has no link layer (yet).
   */
  private linkMembership(ifp: NetInterface, group: number, join: boolean): boolean {
    const layer = this.stack.linkLayerOf(ifp);
    if (layer === undefined) return false;
    ipv4MulticastMac(group, this.mac, 0);
    if (join) layer.joinMulticast(ifp, this.mac);
    else layer.leaveMulticast(ifp, this.mac);
    return true;
  }
}
