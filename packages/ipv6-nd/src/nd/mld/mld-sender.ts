import type { NetInterface } from '@stack/core';
import type { NdRuntime } from '../runtime/nd-runtime.js';
import { readyLinkLocal } from '../runtime/own-addresses.js';
import { emitMldv1, MLDV1_LENGTH, MLDV2_RECORD_HEADER_LENGTH, MLDV2_REPORT_HEADER_LENGTH, NdMessageType, writeMldRecord } from '../wire/index.js';

/** ff02::16, all MLDv2-capable routers (RFC 3810 §5.2.14). */
const ALL_MLDV2_ROUTERS = Uint8Array.of(0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16);
const ALL_ROUTERS = Uint8Array.of(0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);
/** IPv6 header plus a Hop-by-Hop header carrying Router Alert. */
const IP_OVERHEAD = 40 + 8;

/** A group and the record type to report for it. @internal */
export interface ReportItem {
  readonly group: Uint8Array;
  readonly type: number;
}

/**
 * Sends MLD messages (RFC 3810 §5): hop limit 1, Router Alert, from a ready link-local address
 * or from :: when there is none yet (§5.2.13). Reports larger than the link MTU are split. Nothing
 * is sent where IPv6 is disabled (RFC 4862 §5.4.5).
 * @internal
 */
export class MldSender {
  private readonly src = new Uint8Array(16);
  private readonly dst = new Uint8Array(16);

  constructor(private readonly rt: NdRuntime) {}

  /** MLDv2 reports carrying `items` (no sources). */
  report(ifp: NetInterface, items: readonly ReportItem[]): void {
    if (items.length === 0 || !ifp.isRunning) return;
    const perMessage = Math.max(1, Math.floor((ifp.mtu - IP_OVERHEAD - MLDV2_REPORT_HEADER_LENGTH) / MLDV2_RECORD_HEADER_LENGTH));
    for (let first = 0; first < items.length; first += perMessage) {
      const count = Math.min(perMessage, items.length - first);
      this.dst.set(ALL_MLDV2_ROUTERS);
      const buf = this.allocate(ifp, MLDV2_REPORT_HEADER_LENGTH + count * MLDV2_RECORD_HEADER_LENGTH);
      if (buf === null) return;
      const d = buf.data;
      const p = buf.start;
      d.fill(0, p, p + MLDV2_REPORT_HEADER_LENGTH);
      d[p] = NdMessageType.MLDV2_REPORT;
      d[p + 6] = count >>> 8;
      d[p + 7] = count;
      let at = p + MLDV2_REPORT_HEADER_LENGTH;
      for (let i = first; i < first + count; i++) at += writeMldRecord(d, at, items[i].type, items[i].group, 0);
      this.rt.counters.mldTx.reports.inc();
      this.rt.host.sendIcmp(ifp, buf);
    }
  }

  /** An MLDv1 Report to the group itself, or a Done to all routers (RFC 2710 §3, RFC 3810 §8.2). */
  v1(ifp: NetInterface, type: typeof NdMessageType.MLDV1_REPORT | typeof NdMessageType.MLDV1_DONE, group: Uint8Array): void {
    if (!ifp.isRunning) return;
    this.dst.set(type === NdMessageType.MLDV1_DONE ? ALL_ROUTERS : group);
    const buf = this.allocate(ifp, MLDV1_LENGTH);
    if (buf === null) return;
    emitMldv1(type, group, 0, buf.data, buf.start);
    (type === NdMessageType.MLDV1_DONE ? this.rt.counters.mldTx['v1-dones'] : this.rt.counters.mldTx['v1-reports']).inc();
    this.rt.host.sendIcmp(ifp, buf);
  }

  private allocate(ifp: NetInterface, length: number) {
    if (this.rt.disabled.has(ifp.index)) {
      this.rt.counters.tx['ipv6-disabled'].inc();
      return null;
    }
    const source = readyLinkLocal(ifp);
    if (source === null) this.src.fill(0);
    else source.address.copyTo(this.src, 0);
    const buf = this.rt.host.allocateIcmp(ifp, this.src, this.dst, length, 1, true);
    if (typeof buf === 'string') {
      this.rt.counters.mldTx['alloc-failed'].inc();
      return null;
    }
    return buf;
  }
}
