import { AddressFlags, InterfaceFlags, type InterfaceAddress, type InterfaceTable, type NetInterface } from '@stack/core';
import { bytesOf, commonPrefixLengthAt, equal16, scopeAt } from './address-bytes.js';
import type { LocalAddresses } from './local-addresses.js';
import { policyLabel } from './policy-table.js';

/**
 * Source address selection for a destination, after the host rules of RFC 6724 §5 that apply here:
 * 1 prefer the destination itself, 2 prefer an appropriate scope, 3 avoid deprecated addresses,
 * 5 prefer the outgoing interface, 6 prefer a matching label (default policy table, §2.1), 7 prefer
 * temporary addresses, 8 prefer the longest matching prefix. Rule 4 (home addresses) and 5.5 (next
 * hop's prefixes) have nothing to act on. Candidates (§4) are the active IPv6 addresses of the
 * stack; never tentative or duplicated ones (RFC 4862 §5.4); link-scoped ones only from the
 * outgoing interface; the loopback interface's only towards the loopback interface.
 * Allocates nothing.
 */
export class SourceSelector {
  constructor(
    private readonly locals: LocalAddresses,
    private readonly interfaces: InterfaceTable,
    private readonly now: () => number,
  ) {}

  /**
   * The best source towards `dst[dstOffset..+16)` leaving through `out`, or null when there is no
   * candidate. With `outOnly`, only addresses of `out` are candidates (RFC 4443 §4.2 replies to a
   * multicast echo request).
   */
  select(dst: Uint8Array, dstOffset: number, out: NetInterface, outOnly = false): InterfaceAddress | null {
    const toLoopback = out.hasFlag(InterfaceFlags.LOOPBACK);
    const dstScope = scopeAt(dst, dstOffset);
    const dstLabel = policyLabel(dst, dstOffset);
    const now = this.now();
    const all = this.locals.all;
    let best: InterfaceAddress | null = null;
    let bScope = 0;
    let bDeprecated = false;
    let bOut = false;
    let bLabel = false;
    let bTemporary = false;
    let bPrefix = 0;
    for (let i = 0; i < all.length; i++) {
      const a = all[i];
      const ifp = this.interfaces.byIndexFast(a.ifindex);
      if (ifp === undefined || !a.isActive(ifp)) continue;
      const onOut = a.ifindex === out.index;
      if (outOnly && !onOut) continue;
      if (!toLoopback && ifp.hasFlag(InterfaceFlags.LOOPBACK)) continue;
      const bytes = bytesOf(a);
      const scope = scopeAt(bytes, 0);
      if (scope <= 2 && !onOut && !toLoopback) continue;
      // Rule 1: the destination itself.
      if (equal16(bytes, 0, dst, dstOffset)) return a;
      const deprecated = (a.flags & AddressFlags.DEPRECATED) !== 0 || a.preferredUntil <= now;
      const label = policyLabel(bytes, 0) === dstLabel;
      const temporary = (a.flags & AddressFlags.TEMPORARY) !== 0;
      const prefix = Math.min(commonPrefixLengthAt(bytes, 0, dst, dstOffset), a.prefixLength);
      if (best !== null) {
        let better = 0;
        // Rule 2: the smallest scope that still reaches the destination.
        if (scope !== bScope) better = scope < bScope ? (scope < dstScope ? -1 : 1) : bScope < dstScope ? 1 : -1;
        // Rule 3: avoid deprecated addresses.
        else if (deprecated !== bDeprecated) better = deprecated ? -1 : 1;
        // Rule 5: the outgoing interface.
        else if (onOut !== bOut) better = onOut ? 1 : -1;
        // Rule 6: matching label.
        else if (label !== bLabel) better = label ? 1 : -1;
        // Rule 7: temporary addresses.
        else if (temporary !== bTemporary) better = temporary ? 1 : -1;
        // Rule 8: longest matching prefix.
        else if (prefix !== bPrefix) better = prefix > bPrefix ? 1 : -1;
        if (better <= 0) continue;
      }
      best = a;
      bScope = scope;
      bDeprecated = deprecated;
      bOut = onOut;
      bLabel = label;
      bTemporary = temporary;
      bPrefix = prefix;
    }
    return best;
  }
}
