import { AddressFlags, type InterfaceAddress, Ipv6Address, type NetInterface } from '@stack/core';
import type { NdRuntime } from '../runtime/nd-runtime.js';
import { ipv6Bytes } from '../runtime/own-addresses.js';
import { INFINITE_LIFETIME } from '../wire/index.js';
import { eui64InterfaceId, isHardwareDerived, stableInterfaceId } from './interface-id.js';

/** RFC 4862 §5.5.3 (e): the two hours a received valid lifetime cannot shorten an address below. */
const TWO_HOURS = 2 * 3_600_000;
const LINK_LOCAL_PREFIX = Uint8Array.of(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

/** How an address we formed came about, to replace it after a duplicate (RFC 7217 §6). */
interface Formed {
  readonly kind: 'link-local' | 'slaac';
  readonly prefix: Uint8Array;
  readonly dadCounter: number;
  /** The identifier is the modified EUI-64 of the hardware address: it follows a new one. */
  readonly fromHardware: boolean;
}

/** Seconds on the wire to milliseconds, infinity for 0xffffffff. */
function lifetimeMs(seconds: number): number {
  return seconds === INFINITE_LIFETIME ? Infinity : seconds * 1000;
}

function samePrefix64(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 8; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Stateless address autoconfiguration (RFC 4862): the link-local address of an Ethernet interface
 * (§5.3) and addresses from RA prefixes with the A flag (§5.5.3), with interface identifiers from
 * RFC 7217 (stable, opaque; a duplicate is replaced using the next DAD_Counter, up to
 * IDGEN_RETRIES) or modified EUI-64.
 * @internal
 */
export class AddressAutoconf {
  private readonly formed = new Map<InterfaceAddress, Formed>();

  constructor(private readonly rt: NdRuntime) {}

  /** The interface runs: give it a link-local address if it has none (§5.3). */
  interfaceUp(ifp: NetInterface): void {
    if (!this.rt.settings.of(ifp.index).linkLocal || !this.formsAddresses(ifp) || this.rt.disabled.has(ifp.index)) return;
    for (const a of ifp.addresses) if (a.address.family === 'ipv6' && a.address.isLinkLocal()) return;
    this.form(ifp, 'link-local', LINK_LOCAL_PREFIX, 0, Infinity, Infinity);
  }

  /**
   * A prefix information option with the A flag (§5.5.3). Lifetimes in seconds as received.
   * Returns the address formed or refreshed, or null.
   */
  prefix(ifp: NetInterface, prefix: Uint8Array, prefixLength: number, validS: number, preferredS: number): InterfaceAddress | null {
    const c = this.rt.counters.ra;
    if (!this.rt.settings.of(ifp.index).slaac || !this.formsAddresses(ifp) || this.rt.disabled.has(ifp.index)) return null;
    let refused: { inc(): void } | null = null;
    if (prefix[0] === 0xfe && (prefix[1] & 0xc0) === 0x80) refused = c['prefix-link-local'];
    else if (preferredS > validS) refused = c['prefix-bad-lifetimes'];
    // (d): the prefix and a 64-bit interface identifier must make 128 bits (RFC 4291 §2.5.1).
    else if (prefixLength !== 64) refused = c['prefix-bad-length'];
    if (refused !== null) {
      refused.inc();
      return null;
    }
    const now = this.rt.stack.clock.now();
    const valid = lifetimeMs(validS);
    const preferred = lifetimeMs(preferredS);
    const existing = this.existing(ifp, prefix);
    if (existing === undefined) {
      if (validS === 0) return null;
      return this.form(ifp, 'slaac', prefix, 0, valid, preferred);
    }
    // (e): refresh the preferred lifetime; the valid lifetime only per the two-hour rule.
    existing.preferredUntil = now + preferred;
    const remaining = existing.validUntil - now;
    if (valid > TWO_HOURS || valid > remaining) existing.validUntil = now + valid;
    else if (remaining > TWO_HOURS) {
      existing.validUntil = now + TWO_HOURS;
      c['two-hour-rule'].inc();
    } else {
      c['two-hour-rule'].inc();
    }
    c['slaac-refreshed'].inc();
    ifp.addressChanged(existing);
    return existing;
  }

  /**
   * DAD found `addr` duplicated: try the next stable identifier if we formed it (RFC 7217 §6).
   * Returns the replacement's text, or null.
   */
  duplicate(ifp: NetInterface, addr: InterfaceAddress): string | null {
    const formed = this.formed.get(addr);
    if (formed === undefined || this.rt.settings.of(ifp.index).interfaceIdentifier !== 'stable') return null;
    if (formed.dadCounter >= this.rt.config.idgenRetries) return null;
    this.rt.counters.dad.retries.inc();
    const now = this.rt.stack.clock.now();
    const next = this.form(ifp, formed.kind, formed.prefix, formed.dadCounter + 1, addr.validUntil - now, addr.preferredUntil - now);
    return next === null ? null : next.address.toString();
  }

  /**
   * The hardware address of `ifp` changed: every address we formed from the old one (a modified
   * EUI-64 identifier) is replaced by one formed from the new one with the same prefix and
   * remaining lifetimes (it runs DAD); the old one is removed. Returns how many were replaced.
   */
  hardwareAddressChanged(ifp: NetInterface): number {
    if (!this.formsAddresses(ifp)) return 0;
    const now = this.rt.stack.clock.now();
    let replaced = 0;
    for (const [addr, f] of [...this.formed]) {
      if (!f.fromHardware || addr.ifindex !== ifp.index || !ifp.addresses.includes(addr)) continue;
      if (isHardwareDerived(ipv6Bytes(addr), ifp.hardwareAddress)) continue;
      const valid = addr.validUntil - now;
      const preferred = addr.preferredUntil - now;
      ifp.removeAddress(addr);
      this.formed.delete(addr);
      if (this.form(ifp, f.kind, f.prefix, 0, valid, preferred) !== null) replaced++;
    }
    return replaced;
  }

  /** Forget an address that went away. */
  removed(addr: InterfaceAddress): void {
    this.formed.delete(addr);
  }

  /** Whether we formed `addr`. */
  isFormed(addr: InterfaceAddress): boolean {
    return this.formed.has(addr);
  }

  clear(): void {
    this.formed.clear();
  }

  private formsAddresses(ifp: NetInterface): boolean {
    return ifp.type === 'ethernet' && ifp.hardwareAddress !== null && ifp.hardwareAddress.length === 6;
  }

  /** The usable (not duplicated) address we formed on `ifp` from `prefix`, if any. */
  private existing(ifp: NetInterface, prefix: Uint8Array): InterfaceAddress | undefined {
    for (const [addr, f] of this.formed) {
      if (f.kind !== 'slaac' || addr.ifindex !== ifp.index || (addr.flags & AddressFlags.DUPLICATED) !== 0) continue;
      if (samePrefix64(f.prefix, prefix) && ifp.addresses.includes(addr)) return addr;
    }
    return undefined;
  }

  private form(ifp: NetInterface, kind: Formed['kind'], prefix: Uint8Array, dadCounter: number, validMs: number, preferredMs: number): InterfaceAddress | null {
    const bytes = new Uint8Array(16);
    bytes.set(prefix.subarray(0, 8));
    let counter = dadCounter;
    const fromHardware = this.rt.settings.of(ifp.index).interfaceIdentifier === 'eui64';
    if (fromHardware) {
      bytes.set(eui64InterfaceId(ifp.hardwareAddress!), 8);
    } else {
      const stable = stableInterfaceId(prefix, ifp.name, dadCounter, this.rt.config.secret);
      bytes.set(stable.iid, 8);
      counter = stable.dadCounter;
    }
    const address = new Ipv6Address(bytes);
    if (ifp.findAddress(address) !== undefined) return null;
    try {
      const addr = ifp.addAddress({
        address,
        prefixLength: 64,
        flags: AddressFlags.AUTOCONF,
        validLifetime: validMs === Infinity ? undefined : Math.max(0, validMs),
        preferredLifetime: preferredMs === Infinity ? undefined : Math.max(0, preferredMs),
      });
      this.formed.set(addr, { kind, prefix: prefix.slice(0, 16), dadCounter: counter, fromHardware });
      if (kind === 'slaac') this.rt.counters.ra['slaac-formed'].inc();
      return addr;
    } catch {
      // A hook refused it (or a race with another owner): nothing formed.
      return null;
    }
  }
}

