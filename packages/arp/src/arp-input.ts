import {
  AddressFlags,
  type InterfaceAddress,
  isIpv4LimitedBroadcast,
  isIpv4Loopback,
  isIpv4Multicast,
  formatIpv4,
  formatLinkAddress,
  type NetInterface,
  type PacketBuffer,
  type Stack,
} from '@stack/core';
import type { Announcer } from './announcer.js';
import type { ArpConfig } from './arp-options.js';
import type { ArpCounters } from './arp-counters.js';
import { ArpEvents } from './arp-events.js';
import type { ArpNeighbours } from './arp-neighbours.js';
import type { ArpSender } from './arp-sender.js';
import { findOwnIpv4, isSubnetBroadcast } from './own-addresses.js';
import { ARP_PROTOCOL_IPV4, ArpOperation, ArpPacketView } from './wire/index.js';

const IPV4_LENGTH = 4;

function sameBytes(a: Uint8Array, bytes: Uint8Array, offset: number, length: number): boolean {
  if (a.length !== length) return false;
  for (let i = 0; i < length; i++) if (a[i] !== bytes[offset + i]) return false;
  return true;
}

/** All zeros, all ones, or (IEEE 802 addresses) the group bit: never a sender (RFC 826 learns it). */
function isBadSender(bytes: Uint8Array, offset: number, length: number): boolean {
  let or = 0;
  let and = 0xff;
  for (let i = 0; i < length; i++) {
    or |= bytes[offset + i];
    and &= bytes[offset + i];
  }
  return or === 0 || and === 0xff || (length === 6 && (bytes[offset] & 1) !== 0);
}

/**
 * The ARP receive path: validate against the interface, detect conflicts (RFC 5227), merge into
 * the cache (RFC 826) and answer requests for addresses the arbiter says are active here.
 * Every packet is released here; refusals bump a named counter.
 * @internal
 */
export class ArpInput {
  private readonly view = new ArpPacketView();
  /** When each address was last defended (RFC 5227 §2.4). */
  private readonly lastDefence = new WeakMap<InterfaceAddress, number>();

  constructor(
    private readonly stack: Stack,
    private readonly config: ArpConfig,
    private readonly counters: ArpCounters,
    private readonly sender: ArpSender,
    private readonly neighbours: ArpNeighbours,
    private readonly announcer: Announcer,
  ) {}

  input(ifp: NetInterface, buf: PacketBuffer): void {
    const refused = this.process(ifp, buf);
    if (refused !== null) {
      refused.inc();
      ifp.counters.rxDropped++;
    }
    buf.release();
  }

  /** Handle one packet; returns the counter of the reason it was refused, or null. */
  private process(ifp: NetInterface, buf: PacketBuffer): { inc(): void } | null {
    const c = this.counters.input;
    const hrd = this.sender.hardwareType(ifp);
    if (hrd < 0) return c['unsupported-link'];
    const view = this.view.reset(buf.data, buf.start, buf.end - buf.start);
    const failure = view.check();
    if (failure !== null) return failure === 'truncated' ? c.truncated : c['bad-address-length'];
    if (view.hardwareType !== hrd) return c['bad-hardware-type'];
    const hw = ifp.hardwareAddress!;
    const hln = view.hardwareLength;
    if (hln !== hw.length) return c['bad-hardware-length'];
    if (view.protocolType !== ARP_PROTOCOL_IPV4 || view.protocolLength !== IPV4_LENGTH) return c['not-ipv4'];
    const op = view.operation;
    if (op !== ArpOperation.REQUEST && op !== ArpOperation.REPLY) return c['bad-operation'];
    const data = buf.data;
    const sha = view.shaOffset;
    if (isBadSender(data, sha, hln)) return c['bad-sender'];
    const spa = view.spaIpv4;
    const tpa = view.tpaIpv4;
    if (isIpv4Multicast(spa) || isIpv4LimitedBroadcast(spa) || isIpv4Loopback(spa) || isSubnetBroadcast(ifp, spa)) return c['bad-sender-ip'];
    if (sameBytes(hw, data, sha, hln)) return c.own;
    (op === ArpOperation.REQUEST ? c.requests : c.replies).inc();

    if (spa !== 0) {
      const claimed = findOwnIpv4(ifp, spa);
      if (claimed !== undefined) {
        // Someone else speaks for one of our addresses (RFC 5227 §2.1.1 while tentative, §2.4 after).
        if (!this.isOurLinkAddress(ifp, claimed, data, sha, hln)) this.conflict(ifp, claimed, data, sha, hln);
        return null;
      }
    } else if (op === ArpOperation.REQUEST) {
      // RFC 5227 §2.1.1: another host probing for the address we are probing for.
      const probed = findOwnIpv4(ifp, tpa);
      if (probed !== undefined && (probed.flags & AddressFlags.TENTATIVE) !== 0 && !this.isOurLinkAddress(ifp, probed, data, sha, hln)) {
        this.conflict(ifp, probed, data, sha, hln);
        return null;
      }
    }

    const target = findOwnIpv4(ifp, tpa);
    const forUs = target !== undefined && (target.flags & (AddressFlags.TENTATIVE | AddressFlags.DUPLICATED)) === 0;
    // RFC 826: merge into an existing entry always; create one only for a request addressed to us.
    if (spa !== 0) this.neighbours.learn(ifp, spa, data, sha, forUs && op === ArpOperation.REQUEST);
    if (op !== ArpOperation.REQUEST || !forUs) return null;
    if (!target.isActive(ifp)) return c['inactive-target'];
    this.sender.reply(ifp, target, data, sha, spa);
    return null;
  }

  private isOurLinkAddress(ifp: NetInterface, addr: InterfaceAddress, bytes: Uint8Array, offset: number, length: number): boolean {
    const named = addr.linkAddress(ifp);
    return named !== null && sameBytes(named, bytes, offset, length);
  }

  /** Count, defend at most once per DEFEND_INTERVAL (RFC 5227 §2.4 (b)), report. */
  private conflict(ifp: NetInterface, addr: InterfaceAddress, bytes: Uint8Array, offset: number, length: number): void {
    const tentative = (addr.flags & AddressFlags.TENTATIVE) !== 0;
    // An address its arbiter holds inactive here (a CARP backup) is another host's to claim now.
    if (!tentative && !addr.isActive(ifp)) return;
    this.counters.input.conflict.inc();
    let defended = false;
    if (!tentative) {
      const now = this.stack.clock.now();
      const last = this.lastDefence.get(addr);
      if (last === undefined || now - last >= this.config.defendIntervalMs) {
        this.lastDefence.set(addr, now);
        this.announcer.defend(ifp, addr);
        defended = true;
      }
    }
    this.stack.events.emit(ArpEvents, {
      system: 'ARP',
      subsystem: ifp.name,
      type: 'CONFLICT',
      ifindex: ifp.index,
      address: formatIpv4(addr.address.family === 'ipv4' ? addr.address.value : 0),
      linkAddress: formatLinkAddress(bytes, offset, length),
      tentative,
      defended,
    });
  }
}
