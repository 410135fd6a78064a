import { ipv4MulticastMac, type Stack } from '@stack/core';

/** The all-hosts group 224.0.0.1, which every multicast-capable host belongs to (RFC 1112 §4). */
const ALL_HOSTS = 0xe0000001;

/**
 * Multicast groups joined per interface, reference counted (RFC 1112 §7.2: JoinHostGroup /
 * LeaveHostGroup). Joining also joins the group's link-layer address. IGMP reports are not sent.
 */
export class MulticastGroups {
  private readonly byInterface = new Map<number, Map<number, number>>();
  private readonly mac = new Uint8Array(6);

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
      ipv4MulticastMac(group, this.mac, 0);
      this.stack.linkLayerOf(ifp)?.joinMulticast(ifp, this.mac);
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
    const ifp = this.stack.interfaces.byIndexFast(ifindex);
    if (ifp !== undefined) {
      ipv4MulticastMac(group, this.mac, 0);
      this.stack.linkLayerOf(ifp)?.leaveMulticast(ifp, this.mac);
    }
  }

  /** Whether datagrams to `group` received on `ifindex` are for us. */
  isMember(ifindex: number, group: number): boolean {
    if (group === ALL_HOSTS) return true;
    const groups = this.byInterface.get(ifindex);
    return groups !== undefined && groups.has(group);
  }

  /** Leave every group (module unload). */
  clear(): void {
    for (const [ifindex, groups] of this.byInterface) {
      for (const group of groups.keys()) {
        groups.set(group, 1);
        this.leave(ifindex, group);
      }
    }
    this.byInterface.clear();
  }
}
