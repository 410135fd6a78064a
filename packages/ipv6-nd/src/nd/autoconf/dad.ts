import { AddressFlags, type InterfaceAddress, type NetInterface, type Timer } from '@stack/core';
import type { MldHost } from '../mld/mld-host.js';
import { type NdRuntime, runsNd } from '../runtime/nd-runtime.js';
import { ipv6Bytes } from '../runtime/own-addresses.js';

/** Duplicate address detection of one address. */
interface DadRun {
  readonly ifindex: number;
  readonly addr: InterfaceAddress;
  readonly timer: Timer;
  /** Solicitations still to send; when 0 the timer's firing means success. */
  remaining: number;
  /** RFC 7527 nonce of this run's solicitations. */
  readonly nonce: Uint8Array;
}

/** What happens after DAD decides. @internal */
export interface DadListener {
  ready(ifp: NetInterface, addr: InterfaceAddress): void;
  /** Returns the replacement address it is trying (RFC 7217 §6), or null. */
  duplicate(ifp: NetInterface, addr: InterfaceAddress): string | null;
  /** After the conflict that made `addr` DUPLICATED was reported. */
  duplicated(ifp: NetInterface, addr: InterfaceAddress): void;
}

/** Bytes of the DAD nonce (RFC 7527 §4.1 suggests 6). */
const NONCE_LENGTH = 6;

/**
 * Duplicate address detection (RFC 4862 §5.4) for every IPv6 address on interfaces that run ND:
 * the address turns TENTATIVE as soon as it is added (unless NODAD), its solicited-node group is
 * joined, DupAddrDetectTransmits solicitations from :: go out after a random delay, RetransTimer
 * apart, and without an answer the address becomes usable. A solicitation for it from :: or an
 * advertisement for it marks it DUPLICATED. Solicitations carry a nonce so our own looped-back
 * probes are recognised (RFC 7527).
 * @internal
 */
export class Dad {
  private readonly runs = new Map<InterfaceAddress, DadRun>();
  listener: DadListener | null = null;

  constructor(
    private readonly rt: NdRuntime,
    private readonly mld: MldHost,
  ) {}

  /** An IPv6 address was added (called synchronously from the address event). */
  added(ifp: NetInterface, addr: InterfaceAddress): void {
    if (addr.address.family !== 'ipv6') return;
    const probe = this.needsDad(ifp, addr);
    // Tentative before anything else can use it (a report sent from it, another listener).
    if (probe) addr.flags |= AddressFlags.TENTATIVE;
    // RFC 4862 §5.4.2: join the solicited-node group of the address before probing for it.
    if (runsNd(ifp) && !addr.address.isMulticast()) this.mld.join(ifp, addr.address.solicitedNodeMulticast().toBytes());
    if (this.rt.disabled.has(ifp.index)) {
      // IPv6 is disabled here (RFC 4862 §5.4.5): held unusable until it is enabled again.
      if (!addr.address.isMulticast()) {
        addr.flags |= AddressFlags.TENTATIVE;
        ifp.addressChanged(addr);
      }
      return;
    }
    if (!probe) {
      if ((addr.flags & AddressFlags.TENTATIVE) !== 0) {
        addr.flags &= ~AddressFlags.TENTATIVE;
        ifp.addressChanged(addr);
      }
      if ((addr.flags & AddressFlags.DUPLICATED) === 0) this.listener?.ready(ifp, addr);
      return;
    }
    this.begin(ifp, addr);
  }

  /** An IPv6 address was removed. */
  removed(ifp: NetInterface, addr: InterfaceAddress): void {
    if (addr.address.family !== 'ipv6') return;
    this.cancel(addr);
    if (runsNd(ifp) && !addr.address.isMulticast()) this.mld.leave(ifp, addr.address.solicitedNodeMulticast().toBytes());
  }

  /**
   * The interface started running (again): RFC 4862 §5.4 runs DAD on (re)initialisation, so every
   * address that is not duplicated or exempt is probed again; tentative ones start now.
   */
  interfaceUp(ifp: NetInterface): void {
    if (this.rt.disabled.has(ifp.index)) return;
    for (const addr of ifp.addresses) {
      if (addr.address.family !== 'ipv6' || !this.needsDad(ifp, addr)) continue;
      if ((addr.flags & AddressFlags.DUPLICATED) !== 0) continue;
      this.begin(ifp, addr);
    }
  }

  /** The interface stopped running: probes pause (they restart from the beginning when it is back). */
  interfaceDown(ifp: NetInterface): void {
    for (const run of [...this.runs.values()]) {
      if (run.ifindex !== ifp.index) continue;
      run.timer.stop();
    }
  }

  /** Probe `addr` again from the start (control: `redoDad`). */
  restart(ifp: NetInterface, addr: InterfaceAddress): void {
    addr.flags &= ~AddressFlags.DUPLICATED;
    if (this.needsDad(ifp, addr)) this.begin(ifp, addr);
    else {
      ifp.addressChanged(addr);
      this.listener?.ready(ifp, addr);
    }
  }

  /**
   * IPv6 is being disabled on `ifp` (RFC 4862 §5.4.5): every probe stops and every unicast address
   * that is not DUPLICATED turns TENTATIVE, so none is used until {@link Dad.resume}.
   */
  hold(ifp: NetInterface): void {
    for (const addr of ifp.addresses) {
      if (addr.address.family !== 'ipv6' || addr.address.isMulticast() || (addr.flags & AddressFlags.DUPLICATED) !== 0) continue;
      this.cancel(addr);
      if ((addr.flags & AddressFlags.TENTATIVE) !== 0) continue;
      addr.flags |= AddressFlags.TENTATIVE;
      ifp.addressChanged(addr);
    }
  }

  /** IPv6 is enabled on `ifp` again: probe every held address, or release those exempt from DAD. */
  resume(ifp: NetInterface): void {
    for (const addr of ifp.addresses) {
      if (addr.address.family !== 'ipv6' || addr.address.isMulticast() || (addr.flags & AddressFlags.DUPLICATED) !== 0) continue;
      if (this.needsDad(ifp, addr)) this.begin(ifp, addr);
      else if ((addr.flags & AddressFlags.TENTATIVE) !== 0) {
        addr.flags &= ~AddressFlags.TENTATIVE;
        ifp.addressChanged(addr);
        this.listener?.ready(ifp, addr);
      }
    }
  }

  /** Whether `nonce[at..at+length)` is the nonce of our own probe for `addr` (a looped-back copy). */
  isOwnProbe(addr: InterfaceAddress, bytes: Uint8Array, at: number, length: number): boolean {
    const run = this.runs.get(addr);
    if (run === undefined || length < NONCE_LENGTH) return false;
    for (let i = 0; i < NONCE_LENGTH; i++) if (run.nonce[i] !== bytes[at + i]) return false;
    return true;
  }

  /**
   * Another node revealed it uses `addr`: its DAD probe or an advertisement (RFC 4862 §5.4.3,
   * §5.4.4). A tentative address becomes DUPLICATED; for one that had passed DAD the conflict is
   * only counted and reported.
   */
  conflict(ifp: NetInterface, addr: InterfaceAddress, via: 'solicitation' | 'advertisement', linkAddress: string | null): void {
    const tentative = (addr.flags & AddressFlags.TENTATIVE) !== 0;
    // An address its arbiter holds inactive here (a CARP backup) is another node's to claim now.
    if (addr.arbiter !== null && !addr.arbiter.isActive(ifp, addr)) {
      this.rt.counters.dad['held-elsewhere'].inc();
      return;
    }
    if (!tentative) {
      if (!addr.isActive(ifp)) return;
      this.rt.counters.dad['conflicts-after-dad'].inc();
      this.report(ifp, addr, via, linkAddress, false, null);
      return;
    }
    this.cancel(addr);
    addr.flags = (addr.flags & ~AddressFlags.TENTATIVE) | AddressFlags.DUPLICATED;
    this.rt.counters.dad.duplicates.inc();
    ifp.addressChanged(addr);
    const retry = this.listener?.duplicate(ifp, addr) ?? null;
    this.report(ifp, addr, via, linkAddress, true, retry);
    this.listener?.duplicated(ifp, addr);
  }


  disposeAll(): void {
    for (const run of this.runs.values()) run.timer.dispose();
    this.runs.clear();
  }

  private needsDad(ifp: NetInterface, addr: InterfaceAddress): boolean {
    if (!runsNd(ifp) || this.rt.settings.of(ifp.index).dadTransmits === 0) return false;
    if ((addr.flags & (AddressFlags.NODAD | AddressFlags.ANYCAST)) !== 0) return false;
    return !addr.address.isMulticast();
  }

  /** Probe `addr`: TENTATIVE (announced with a CHANGE event, also to listeners that saw the ADD first), then probes. */
  private begin(ifp: NetInterface, addr: InterfaceAddress): void {
    this.cancel(addr);
    addr.flags |= AddressFlags.TENTATIVE;
    ifp.addressChanged(addr);
    const nonce = new Uint8Array(NONCE_LENGTH);
    for (let i = 0; i < NONCE_LENGTH; i++) nonce[i] = Math.floor(this.rt.config.random() * 256);
    const run: DadRun = { ifindex: ifp.index, addr, remaining: this.rt.settings.of(ifp.index).dadTransmits, nonce, timer: this.rt.timers.create(() => this.step(run)) };
    this.runs.set(addr, run);
    this.rt.counters.dad.started.inc();
    if (ifp.isRunning) this.schedule(run);
  }

  /** The first probe after a random delay in [0, MAX_RTR_SOLICITATION_DELAY] (RFC 4862 §5.4.2). */
  private schedule(run: DadRun): void {
    const settings = this.rt.settings.of(run.ifindex);
    run.remaining = settings.dadTransmits;
    run.timer.start(Math.floor(this.rt.config.random() * settings.dadMaxDelayMs));
  }

  private step(run: DadRun): void {
    const ifp = this.rt.stack.interfaces.get(run.ifindex);
    if (ifp === undefined || !ifp.addresses.includes(run.addr)) {
      this.cancel(run.addr);
      return;
    }
    if (!ifp.isRunning) return;
    const retrans = this.rt.params.of(ifp.index).retransTimer;
    if (run.remaining > 0) {
      run.remaining--;
      this.rt.sender.solicit(ifp, ipv6Bytes(run.addr), 0, null, false, run.nonce);
      run.timer.start(retrans);
      return;
    }
    this.cancel(run.addr);
    run.addr.flags &= ~AddressFlags.TENTATIVE;
    this.rt.counters.dad.succeeded.inc();
    ifp.addressChanged(run.addr);
    this.listener?.ready(ifp, run.addr);
  }

  private cancel(addr: InterfaceAddress): void {
    const run = this.runs.get(addr);
    if (run === undefined) return;
    run.timer.dispose();
    this.runs.delete(addr);
  }

  private report(ifp: NetInterface, addr: InterfaceAddress, via: 'solicitation' | 'advertisement', linkAddress: string | null, tentative: boolean, retry: string | null): void {
    this.rt.events.emit(() => ({
      system: 'ND',
      subsystem: ifp.name,
      type: 'DAD_CONFLICT',
      ifindex: ifp.index,
      address: addr.address.toString(),
      via,
      linkAddress,
      tentative,
      retry,
    }));
  }
}
