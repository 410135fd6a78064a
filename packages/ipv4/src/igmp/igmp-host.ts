import { InterfaceFlags, type NetInterface, type Stack, type Timer } from '@stack/core';
import type { GroupMembershipListener } from '../multicast-groups.js';
import { IgmpGroups, IgmpRecordType, IgmpType, type IgmpPacketView } from '../wire/index.js';
import type { IgmpCounters } from './igmp-counters.js';
import type { ResolvedIgmpOptions } from './igmp-options.js';
import type { IgmpReportItem, IgmpSender } from './igmp-sender.js';
import type { IgmpInterfaceState } from './igmp-types.js';

/** One group on one interface, and the IGMP work pending for it. */
class IgmpGroup {
  /** Joined now (the reference count lives in `MulticastGroups`). */
  member = false;
  /** Record type of the pending state change (TO_EX on join, TO_IN on leave), 0 when none. */
  changeType = 0;
  /** State-change retransmissions still to send (RFC 3376 §5.1, RFC 2236 §3). */
  changesLeft = 0;
  /** When the answer to a query for this group is due (clock ms), NaN when none. */
  responseDue = NaN;
  /** RFC 2236 §3 "flag": we sent the last report for the group, so a leave is ours to send. */
  lastReporter = false;

  constructor(readonly group: number) {}
}

/** The IGMP state of one interface. */
class IgmpInterface {
  readonly groups = new Map<number, IgmpGroup>();
  /** When the answer to an IGMPv3 general query is due, NaN when none (RFC 3376 §5.2 interface timer). */
  generalDue = NaN;
  /** When the next state-change retransmission is due, NaN when none. */
  changeDue = NaN;
  /** Older Version Querier Present timers (RFC 3376 §7.2.1), as deadlines. */
  v1Until = -Infinity;
  v2Until = -Infinity;
  timer: Timer | null = null;

  constructor(
    readonly ifindex: number,
    public robustness: number,
    public queryIntervalMs: number,
  ) {}
}

/**
 * The host side of IGMP (RFC 3376 §5, with the compatibility of §7: RFC 2236 IGMPv2 and RFC 1112
 * IGMPv1): state-change reports on the first join and the last leave of a group, delayed answers to
 * general and group-specific queries, per-interface Host Compatibility Mode with the Older Version
 * Querier Present timers, and IGMPv1/v2 report suppression. Only (*,G) membership exists here, so
 * IGMPv3 records are EXCLUDE{} (join, TO_EX / IS_EX) or INCLUDE{} (leave, TO_IN). One timer per
 * interface covers all its pending reports; what is pending is bounded by the groups joined (a left
 * group lingers only while its leave is retransmitted).
 * @internal
 */
export class IgmpHost implements GroupMembershipListener {
  private readonly interfaces = new Map<number, IgmpInterface>();

  constructor(
    private readonly stack: Stack,
    private readonly sender: IgmpSender,
    private readonly counters: IgmpCounters,
    private readonly opts: ResolvedIgmpOptions,
    private readonly createTimer: (callback: () => void) => Timer,
  ) {}

  // --- membership ------------------------------------------------------------------------------

  /** The first reference to `group` on `ifp`: report it (RFC 3376 §5.1, RFC 2236 §3). */
  joined(ifp: NetInterface, group: number): void {
    if (ifp.hasFlag(InterfaceFlags.LOOPBACK)) return;
    const state = this.stateOf(ifp.index);
    let g = state.groups.get(group);
    if (g === undefined) {
      g = new IgmpGroup(group);
      state.groups.set(group, g);
    }
    g.member = true;
    this.stateChanged(ifp, state, g, IgmpRecordType.CHANGE_TO_EXCLUDE_MODE);
  }

  /** The last reference to `group` on `ifp` went: report the leave. */
  left(ifp: NetInterface, group: number): void {
    const state = this.interfaces.get(ifp.index);
    const g = state?.groups.get(group);
    if (state === undefined || g === undefined || !g.member) return;
    g.member = false;
    g.responseDue = NaN;
    this.stateChanged(ifp, state, g, IgmpRecordType.CHANGE_TO_INCLUDE_MODE);
  }

  /** Whether IGMP reports `group`: never 224.0.0.1 (RFC 2236 §6, RFC 3376 §5); 224.0.0.0/24 as configured. */
  reportable(group: number): boolean {
    if (group === IgmpGroups.ALL_SYSTEMS) return false;
    return this.opts.reportLinkLocal || group >>> 8 !== 0xe00000;
  }

  // --- interface life ---------------------------------------------------------------------------

  /** The interface (re)started running: report every group again, as on a join. */
  interfaceUp(ifp: NetInterface): void {
    const state = this.interfaces.get(ifp.index);
    if (state === undefined) return;
    for (const g of state.groups.values()) if (g.member) this.stateChanged(ifp, state, g, IgmpRecordType.CHANGE_TO_EXCLUDE_MODE);
  }

  /** The interface stopped: nothing pending survives (leaves that were still retransmitting are dropped). */
  interfaceDown(ifindex: number): void {
    const state = this.interfaces.get(ifindex);
    if (state !== undefined) this.cancelPending(state);
  }

  /** The interface went away. */
  dropInterface(ifindex: number): void {
    const state = this.interfaces.get(ifindex);
    if (state === undefined) return;
    state.timer?.dispose();
    this.interfaces.delete(ifindex);
  }

  dispose(): void {
    for (const state of this.interfaces.values()) state.timer?.dispose();
    this.interfaces.clear();
  }

  /** IGMP state of `ifindex`, or null when IGMP did nothing there (yet). */
  status(ifindex: number): IgmpInterfaceState | null {
    const s = this.interfaces.get(ifindex);
    if (s === undefined) return null;
    const now = this.stack.clock.now();
    const general = s.generalDue === s.generalDue;
    let pendingReports = 0;
    for (const g of s.groups.values()) {
      if (g.responseDue === g.responseDue || g.changesLeft > 0 || (general && g.member && this.reportable(g.group))) pendingReports++;
    }
    return {
      version: this.mode(s, now),
      v1QuerierPresentMs: Math.max(0, s.v1Until - now),
      v2QuerierPresentMs: Math.max(0, s.v2Until - now),
      robustness: s.robustness,
      queryIntervalMs: s.queryIntervalMs,
      pendingReports,
    };
  }

  /** Whether `group` on `ifindex` is reported by IGMP (for listings). */
  reports(ifindex: number, group: number): boolean {
    const g = this.interfaces.get(ifindex)?.groups.get(group);
    return g !== undefined && g.member && this.reportable(group);
  }

  // --- input -------------------------------------------------------------------------------------

  /**
   * A validated Membership Query on `ifp` (`view` checked; `group` 0 for a general query, which
   * is how IGMPv1 queries always count). Schedules the answer (RFC 3376 §5.2, RFC 2236 §3).
   */
  query(ifp: NetInterface, view: IgmpPacketView, group: number): void {
    if (ifp.hasFlag(InterfaceFlags.LOOPBACK)) return;
    const state = this.stateOf(ifp.index);
    const now = this.stack.clock.now();
    const version = view.queryVersion;
    const maxResponseMs = view.maxResponseTimeMs;
    const before = this.mode(state, now);
    // RFC 3376 §8.12: Older Version Querier Present Timeout = Robustness × Query Interval + one
    // Query Response Interval (the older query's Max Resp Time; 10 s for IGMPv1, RFC 2236 §4).
    const timeout = state.robustness * state.queryIntervalMs + maxResponseMs;
    if (version === 1) state.v1Until = now + timeout;
    else if (version === 2) state.v2Until = now + timeout;
    else {
      // RFC 3376 §4.1.6, §4.1.7: adopt the querier's QRV and QQI unless zero.
      if (view.qrv !== 0) state.robustness = view.qrv;
      if (view.qqic !== 0) state.queryIntervalMs = view.queryIntervalS * 1000;
    }
    const mode = this.mode(state, now);
    // RFC 3376 §7.2.1: moving from IGMPv3 to an older mode cancels every pending report.
    if (before === 3 && mode !== 3) this.cancelPending(state);
    if (mode === 3) this.queryV3(state, now, maxResponseMs, group);
    else this.queryOld(state, now, maxResponseMs, group);
    this.arm(state);
  }

  /**
   * RFC 3376 §5.2: one answer per interface for a general query, per group for a group-specific
   * one. A group-and-source-specific query is answered like a group-specific one: our state is
   * EXCLUDE{}, and IS_EX{} says all of it (the queried sources are not recorded, so nothing grows
   * with them, §9.1).
   */
  private queryV3(state: IgmpInterface, now: number, maxResponseMs: number, group: number): void {
    const due = now + Math.floor(this.opts.random() * maxResponseMs);
    // Rule 1: a general answer already due sooner covers this query.
    if (state.generalDue <= due) return;
    if (group === 0) {
      state.generalDue = due;
      return;
    }
    const g = state.groups.get(group);
    if (g === undefined || !g.member || !this.reportable(group)) return;
    if (!(g.responseDue <= due)) g.responseDue = due;
  }

  /**
   * RFC 2236 §3 (and RFC 1112 §7.2): a delay per group, random in (0, Max Resp Time]; a running
   * delay is replaced only when the new Max Resp Time is shorter than what it has left.
   */
  private queryOld(state: IgmpInterface, now: number, maxResponseMs: number, group: number): void {
    for (const g of state.groups.values()) {
      if (!g.member || !this.reportable(g.group)) continue;
      if (group !== 0 && g.group !== group) continue;
      if (g.responseDue === g.responseDue && now + maxResponseMs >= g.responseDue) continue;
      g.responseDue = now + Math.max(1, Math.ceil(this.opts.random() * maxResponseMs));
    }
  }

  /**
   * Another host's IGMPv1/v2 report for `group`. In an older compatibility mode a report we were
   * about to send is cancelled, and the other host becomes the last reporter (RFC 2236 §3); IGMPv3
   * hosts do not suppress (RFC 3376 §5).
   */
  heardReport(ifp: NetInterface, group: number): void {
    const state = this.interfaces.get(ifp.index);
    const g = state?.groups.get(group);
    if (state === undefined || g === undefined || !g.member) return;
    if (this.mode(state, this.stack.clock.now()) === 3) return;
    const pendingJoin = g.changesLeft > 0 && g.changeType === IgmpRecordType.CHANGE_TO_EXCLUDE_MODE;
    if (g.responseDue !== g.responseDue && !pendingJoin) return;
    g.responseDue = NaN;
    g.changesLeft = 0;
    g.lastReporter = false;
    this.counters.out.suppressed.inc();
    this.arm(state);
  }

  // --- reports -----------------------------------------------------------------------------------

  private stateChanged(ifp: NetInterface, state: IgmpInterface, g: IgmpGroup, type: number): void {
    if (!this.reportable(g.group) || !ifp.isRunning) {
      g.changesLeft = 0;
      if (!g.member) state.groups.delete(g.group);
      this.arm(state);
      return;
    }
    const now = this.stack.clock.now();
    const mode = this.mode(state, now);
    if (mode === 3) {
      // RFC 3376 §5.1: the state-change report goes at once; the retransmissions follow.
      this.sender.v3(ifp, [{ group: g.group, type }]);
    } else if (type === IgmpRecordType.CHANGE_TO_INCLUDE_MODE) {
      // RFC 2236 §3: a Leave Group only when we sent the last report (the SHOULD; not the MAY of
      // always sending one). IGMPv1 has no leave (RFC 1112).
      if (mode === 2 && g.lastReporter) this.sender.group(ifp, IgmpType.V2_LEAVE_GROUP, g.group);
      g.changesLeft = 0;
      g.lastReporter = false;
      state.groups.delete(g.group);
      this.arm(state);
      return;
    } else {
      this.sender.group(ifp, mode === 1 ? IgmpType.V1_MEMBERSHIP_REPORT : IgmpType.V2_MEMBERSHIP_REPORT, g.group);
      g.lastReporter = true;
    }
    // [Robustness Variable] − 1 retransmissions at random times within the Unsolicited Report Interval.
    g.changeType = type;
    g.changesLeft = state.robustness - 1;
    if (g.changesLeft <= 0) {
      g.changesLeft = 0;
      if (!g.member) state.groups.delete(g.group);
    } else {
      const due = now + this.retransmitDelay(mode);
      if (!(state.changeDue <= due)) state.changeDue = due;
    }
    this.arm(state);
  }

  private fire(ifindex: number): void {
    const state = this.interfaces.get(ifindex);
    const ifp = this.stack.interfaces.byIndexFast(ifindex);
    if (state === undefined || ifp === undefined) return;
    if (!ifp.isRunning) return this.cancelPending(state);
    const now = this.stack.clock.now();
    const mode = this.mode(state, now);
    const items: IgmpReportItem[] = [];
    const older: number[] = [];
    // State changes first, so a group both changing and queried is reported once, as the change.
    if (state.changeDue <= now) {
      state.changeDue = NaN;
      let more = false;
      for (const g of state.groups.values()) {
        if (g.changesLeft === 0) continue;
        g.changesLeft--;
        if (mode === 3) items.push({ group: g.group, type: g.changeType });
        else if (g.member) older.push(g.group);
        if (g.changesLeft > 0) more = true;
        else if (!g.member) state.groups.delete(g.group);
      }
      if (more) state.changeDue = now + this.retransmitDelay(mode);
    }
    const general = state.generalDue <= now;
    if (general) state.generalDue = NaN;
    for (const g of state.groups.values()) {
      // A general answer holds every group, so it replaces the group answers pending (§5.2).
      if (!general && !(g.responseDue <= now)) continue;
      g.responseDue = NaN;
      if (!g.member || !this.reportable(g.group)) continue;
      if (mode === 3) {
        if (!items.some((i) => i.group === g.group)) items.push({ group: g.group, type: IgmpRecordType.MODE_IS_EXCLUDE });
      } else if (!older.includes(g.group)) {
        older.push(g.group);
      }
    }
    if (mode === 3) this.sender.v3(ifp, items);
    else {
      const type = mode === 1 ? IgmpType.V1_MEMBERSHIP_REPORT : IgmpType.V2_MEMBERSHIP_REPORT;
      for (const group of older) {
        this.sender.group(ifp, type, group);
        const g = state.groups.get(group);
        if (g !== undefined) g.lastReporter = true;
      }
    }
    this.arm(state);
  }

  /** Forget every pending report and retransmission (and the groups only a leave kept). */
  private cancelPending(state: IgmpInterface): void {
    state.generalDue = NaN;
    state.changeDue = NaN;
    for (const g of state.groups.values()) {
      g.responseDue = NaN;
      g.changesLeft = 0;
      if (!g.member) state.groups.delete(g.group);
    }
    state.timer?.stop();
  }

  private arm(state: IgmpInterface): void {
    let next = Infinity;
    if (state.generalDue < next) next = state.generalDue;
    if (state.changeDue < next) next = state.changeDue;
    for (const g of state.groups.values()) if (g.responseDue < next) next = g.responseDue;
    if (next === Infinity) {
      state.timer?.stop();
      return;
    }
    const ifindex = state.ifindex;
    state.timer ??= this.createTimer(() => this.fire(ifindex));
    state.timer.start(next - this.stack.clock.now());
  }

  /** Host Compatibility Mode (RFC 3376 §7.2.1), capped by the configured version. */
  private mode(state: IgmpInterface, now: number): 1 | 2 | 3 {
    if (this.opts.version === 1 || now < state.v1Until) return 1;
    if (this.opts.version === 2 || now < state.v2Until) return 2;
    return 3;
  }

  /** A retransmission delay, random in (0, Unsolicited Report Interval] of the mode. */
  private retransmitDelay(mode: 1 | 2 | 3): number {
    const interval = mode === 3 ? this.opts.unsolicitedReportIntervalMs : this.opts.v2UnsolicitedReportIntervalMs;
    return Math.max(1, Math.ceil(this.opts.random() * interval));
  }

  private stateOf(ifindex: number): IgmpInterface {
    let state = this.interfaces.get(ifindex);
    if (state === undefined) {
      state = new IgmpInterface(ifindex, this.opts.robustness, this.opts.queryIntervalMs);
      this.interfaces.set(ifindex, state);
    }
    return state;
  }
}
