import { ipv6MulticastMac, type NetInterface, type PacketBuffer, type Timer } from '@stack/core';
import { isAllNodesAt, isLinkLocalAt } from '../runtime/address-words.js';
import { formatIpv6Bytes } from '../runtime/ipv6-text.js';
import type { NdRuntime } from '../runtime/nd-runtime.js';
import { mldQueryInterval, MldQueryView, MldRecordType, NdMessageType } from '../wire/index.js';
import { type GroupRecord, GroupTable } from './group-table.js';
import { MldSender, type ReportItem } from './mld-sender.js';

/** RFC 3810 §9.2 default Query Interval (seconds), for the MLDv1 compatibility timeout. */
const DEFAULT_QUERY_INTERVAL_S = 125;
const ALL_NODES = Uint8Array.of(0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

/** The MLD state of one interface. */
class MldInterface {
  readonly groups = new GroupTable();
  /** When the answer to a general query is due, NaN when none. */
  generalDue = NaN;
  /** When the next state-change retransmission is due, NaN when none. */
  changeDue = NaN;
  /** MLDv1 compatibility mode lasts until this time (RFC 3810 §8.2.1). */
  v1Until = -Infinity;
  robustness: number;
  queryIntervalS = DEFAULT_QUERY_INTERVAL_S;
  timer: Timer | null = null;

  constructor(
    readonly ifindex: number,
    robustness: number,
  ) {
    this.robustness = robustness;
  }
}

/**
 * The host side of MLDv2 (RFC 3810) with MLDv1 compatibility (§8): reference-counted group
 * membership per interface with the matching link-layer filter, state-change reports on join and
 * leave, and delayed answers to general and group-specific queries. ff02::1 is always a member and
 * never reported. One timer per interface covers every pending report.
 * @internal
 */
export class MldHost {
  private readonly interfaces = new Map<number, MldInterface>();
  private readonly sender: MldSender;
  private readonly view = new MldQueryView();
  private readonly mac = new Uint8Array(6);

  constructor(private readonly rt: NdRuntime) {
    this.sender = new MldSender(rt);
  }

  /** Join `group[at..at+16)` on `ifp` (reference counted). */
  join(ifp: NetInterface, group: Uint8Array, at = 0): void {
    if (group[at] !== 0xff) throw new Error(`group: ${formatIpv6Bytes(group, at)} is not a multicast address`);
    const state = this.stateOf(ifp);
    const record = state.groups.getOrCreate(group, at);
    if (record.references++ > 0) return;
    this.linkJoin(ifp, record.group, true);
    this.stateChanged(ifp, state, record, MldRecordType.CHANGE_TO_EXCLUDE_MODE);
  }

  /** Drop one reference; the last one leaves the group. Leaving a group not joined does nothing. */
  leave(ifp: NetInterface, group: Uint8Array, at = 0): void {
    const state = this.interfaces.get(ifp.index);
    const record = state?.groups.get(group, at);
    if (state === undefined || record === undefined || record.references === 0) return;
    if (--record.references > 0) return;
    this.linkJoin(ifp, record.group, false);
    record.responseDue = NaN;
    this.stateChanged(ifp, state, record, MldRecordType.CHANGE_TO_INCLUDE_MODE);
  }

  /** Whether packets to `group[at..)` received on `ifindex` are for us. Allocation-free. */
  isMember(ifindex: number, group: Uint8Array, at: number): boolean {
    if (isAllNodesAt(group, at)) return true;
    const state = this.interfaces.get(ifindex);
    return state !== undefined && state.groups.has(group, at);
  }

  /** Joined groups of `ifindex` with their references. */
  groups(ifindex: number): { group: Uint8Array; references: number }[] {
    const state = this.interfaces.get(ifindex);
    if (state === undefined) return [];
    return state.groups.values().filter((r) => r.references > 0).map((r) => ({ group: r.group, references: r.references }));
  }

  isV1Compatible(ifindex: number): boolean {
    const state = this.interfaces.get(ifindex);
    return state !== undefined && this.rt.stack.clock.now() < state.v1Until;
  }

  /** Make sure ff02::1 is joined on `ifp` (its link-layer group, for the filter). */
  joinAllNodes(ifp: NetInterface): void {
    const state = this.stateOf(ifp);
    if (state.groups.has(ALL_NODES, 0)) return;
    this.join(ifp, ALL_NODES);
  }

  /** The interface (re)started: report every group again (unsolicited, as on a join). */
  interfaceUp(ifp: NetInterface): void {
    const state = this.interfaces.get(ifp.index);
    if (state === undefined) return;
    for (const r of state.groups.values()) if (r.references > 0) this.stateChanged(ifp, state, r, MldRecordType.CHANGE_TO_EXCLUDE_MODE);
  }

  /**
   * A Multicast Listener Query, report or done received on `ifp` (`buf` at the ICMPv6 header).
   * Hosts answer queries and ignore other listeners' reports (MLDv2 has no report suppression).
   * Takes ownership of `buf`.
   */
  input(ifp: NetInterface, buf: PacketBuffer, type: number, hopLimit: number, routerAlert: boolean): void {
    const c = this.rt.counters.mldRx;
    try {
      if (type !== NdMessageType.MLD_QUERY) {
        c.reports.inc();
        return;
      }
      // RFC 3810 §6.2: queries from a link-local source, hop limit 1, with Router Alert, else dropped.
      if (!isLinkLocalAt(buf.src, 0)) return void c['not-link-local'].inc();
      if (hopLimit !== 1) return void c['bad-hop-limit'].inc();
      if (!routerAlert) return void c['no-router-alert'].inc();
      const view = this.view.reset(buf.data, buf.start, buf.end - buf.start);
      const failure = view.check();
      if (failure !== null) return void (failure === 'bad-length' ? c['bad-length'] : c.truncated).inc();
      this.query(ifp, view);
    } finally {
      buf.release();
    }
  }

  dropInterface(ifindex: number): void {
    const state = this.interfaces.get(ifindex);
    if (state === undefined) return;
    state.timer?.dispose();
    this.interfaces.delete(ifindex);
  }

  /** Leave every link-layer group joined and forget everything. */
  disposeAll(): void {
    for (const state of this.interfaces.values()) {
      state.timer?.dispose();
      const ifp = this.rt.stack.interfaces.get(state.ifindex);
      if (ifp === undefined) continue;
      for (const r of state.groups.values()) if (r.references > 0) this.linkJoin(ifp, r.group, false);
    }
    this.interfaces.clear();
  }

  // --- queries -------------------------------------------------------------------------------

  private query(ifp: NetInterface, view: MldQueryView): void {
    const c = this.rt.counters.mldRx;
    const state = this.stateOf(ifp);
    const now = this.rt.stack.clock.now();
    if (view.version === 1) {
      c['v1-queries'].inc();
      // §8.2.1: Older Version Querier Present Timeout = Robustness × Query Interval + Query Response Interval.
      state.v1Until = now + state.robustness * state.queryIntervalS * 1000 + view.maxResponseDelay;
    } else {
      c.queries.inc();
      // §5.1.8, §5.1.9: adopt the querier's robustness and query interval.
      if (view.qrv !== 0) state.robustness = view.qrv;
      if (view.qqic !== 0) state.queryIntervalS = mldQueryInterval(view.qqic);
    }
    if (!this.rt.settings.of(ifp.index).mld) return;
    const delay = Math.floor(this.rt.config.random() * view.maxResponseDelay);
    const due = now + delay;
    if (view.isGeneral) {
      // §6.2 (1): a general query answer already scheduled sooner stands.
      if (!(state.generalDue <= due)) state.generalDue = due;
    } else {
      const record = state.groups.get(view.bytes, view.groupOffset);
      if (record === undefined || record.references === 0 || !record.reportable) return;
      if (state.generalDue <= due) return;
      if (!(record.responseDue <= due)) record.responseDue = due;
    }
    this.arm(ifp, state);
  }

  // --- reports ---------------------------------------------------------------------------------

  private stateChanged(ifp: NetInterface, state: MldInterface, record: GroupRecord, type: number): void {
    const settings = this.rt.settings.of(ifp.index);
    if (!record.reportable || !settings.mld || !ifp.isRunning) {
      if (record.references === 0) state.groups.delete(record);
      return;
    }
    const v1 = this.rt.stack.clock.now() < state.v1Until;
    if (v1) {
      // §8.2.2: in MLDv1 mode a join is a Report, a leave a Done (sent once).
      if (type === MldRecordType.CHANGE_TO_INCLUDE_MODE) {
        this.sender.v1(ifp, NdMessageType.MLDV1_DONE, record.group);
        record.changesLeft = 0;
        state.groups.delete(record);
        return;
      }
      this.sender.v1(ifp, NdMessageType.MLDV1_REPORT, record.group);
    } else {
      this.sender.report(ifp, [{ group: record.group, type }]);
    }
    // §6.1: [Robustness Variable] − 1 retransmissions at random times within the Unsolicited Report Interval.
    record.changeType = type;
    record.changesLeft = state.robustness - 1;
    if (record.changesLeft === 0) {
      if (record.references === 0) state.groups.delete(record);
      return;
    }
    const due = this.rt.stack.clock.now() + Math.max(1, Math.floor(this.rt.config.random() * settings.mldUnsolicitedReportIntervalMs));
    if (!(state.changeDue <= due)) state.changeDue = due;
    this.arm(ifp, state);
  }

  private fire(ifindex: number): void {
    const state = this.interfaces.get(ifindex);
    const ifp = this.rt.stack.interfaces.get(ifindex);
    if (state === undefined || ifp === undefined) return;
    if (!this.rt.settings.of(ifindex).mld) return this.cancelReports(state);
    const now = this.rt.stack.clock.now();
    const v1 = now < state.v1Until;
    const items: ReportItem[] = [];
    const v1Groups: Uint8Array[] = [];
    const records = state.groups.values();
    if (state.generalDue <= now) {
      state.generalDue = NaN;
      for (const r of records) {
        r.responseDue = NaN;
        if (r.references === 0 || !r.reportable) continue;
        if (v1) v1Groups.push(r.group);
        else items.push({ group: r.group, type: MldRecordType.MODE_IS_EXCLUDE });
      }
    } else {
      for (const r of records) {
        if (!(r.responseDue <= now)) continue;
        r.responseDue = NaN;
        if (r.references === 0) continue;
        if (v1) v1Groups.push(r.group);
        else items.push({ group: r.group, type: MldRecordType.MODE_IS_EXCLUDE });
      }
    }
    if (state.changeDue <= now) {
      state.changeDue = NaN;
      let more = false;
      for (const r of records) {
        if (r.changesLeft === 0) continue;
        r.changesLeft--;
        if (v1) {
          if (r.changeType === MldRecordType.CHANGE_TO_EXCLUDE_MODE) v1Groups.push(r.group);
        } else {
          items.push({ group: r.group, type: r.changeType });
        }
        if (r.changesLeft > 0) more = true;
        else if (r.references === 0) state.groups.delete(r);
      }
      if (more) state.changeDue = now + Math.max(1, Math.floor(this.rt.config.random() * this.rt.settings.of(ifindex).mldUnsolicitedReportIntervalMs));
    }
    this.sender.report(ifp, items);
    for (const g of v1Groups) this.sender.v1(ifp, NdMessageType.MLDV1_REPORT, g);
    this.arm(ifp, state);
  }

  /** MLD was turned off on the interface: forget every pending report. */
  private cancelReports(state: MldInterface): void {
    state.generalDue = NaN;
    state.changeDue = NaN;
    for (const r of state.groups.values()) {
      r.responseDue = NaN;
      r.changesLeft = 0;
      if (r.references === 0) state.groups.delete(r);
    }
    state.timer?.stop();
  }

  private arm(ifp: NetInterface, state: MldInterface): void {
    let next = Infinity;
    if (state.generalDue < next) next = state.generalDue;
    if (state.changeDue < next) next = state.changeDue;
    for (const r of state.groups.values()) if (r.responseDue < next) next = r.responseDue;
    if (next === Infinity) {
      state.timer?.stop();
      return;
    }
    state.timer ??= this.rt.timers.create(() => this.fire(ifp.index));
    state.timer.start(next - this.rt.stack.clock.now());
  }

  private stateOf(ifp: NetInterface): MldInterface {
    let state = this.interfaces.get(ifp.index);
    if (state === undefined) {
      state = new MldInterface(ifp.index, this.rt.config.mldRobustness);
      this.interfaces.set(ifp.index, state);
    }
    return state;
  }

  /** Join or leave the group's link-layer address (RFC 2464 §7: 33:33 + the last 32 bits). */
  private linkJoin(ifp: NetInterface, group: Uint8Array, join: boolean): void {
    const layer = this.rt.stack.linkLayerOf(ifp);
    if (layer === undefined) return;
    ipv6MulticastMac(group, 0, this.mac, 0);
    try {
      if (join) layer.joinMulticast(ifp, this.mac);
      else layer.leaveMulticast(ifp, this.mac);
    } catch {
      // A link layer without multicast filtering: membership is then ours alone.
    }
  }
}
