import type { Counter, PacketBuffer } from '@stack/core';
import { isMulticastAt } from './address-bytes.js';
import type { Icmpv6Errors, Offence } from './icmp-errors.js';
import type { Ipv6Counters } from './ipv6-counters.js';
import { PacketMarks } from './packet-marks.js';
import { Icmpv6ParameterProblemCode, Icmpv6Type, ipv6OptionAction, Ipv6OptionAction, Ipv6OptionCursor, Ipv6OptionType } from './wire/index.js';

/** Longest run of padding accepted (RFC 4942 §2.1.9.5: more than 7 bytes is never needed). */
const MAX_PADDING = 7;

/**
 * Processes the options of a Hop-by-Hop or Destination Options header (RFC 8200 §4.2, §4.3, §4.6):
 * skips padding, notes Router Alert (RFC 2711), and applies the action bits of unrecognised
 * options — skip, discard, or discard with ICMPv6 parameter problem code 2 pointing at the option
 * (to a multicast destination too for action 10, not for action 11). Padding runs longer than 7
 * bytes, PadN carrying non-zero data (RFC 4942 §2.1.9.5) and more than `maxOptions` non-padding
 * options drop the packet. Allocates nothing.
 */
export class OptionProcessor {
  private readonly cursor = new Ipv6OptionCursor();

  constructor(
    private readonly errors: Icmpv6Errors,
    private readonly counters: Ipv6Counters,
    private readonly maxOptions: number,
  ) {}

  /**
   * Process the options header of `length` bytes at `at` in `buf` (a packet at
   * `buf.networkOffset`). Returns true to go on; false when the packet was dropped (counted; `buf`
   * left to the caller to release).
   */
  process(buf: PacketBuffer, at: number, length: number, hopByHop: boolean, from: Offence): boolean {
    const c = this.counters.in;
    const d = buf.data;
    const cursor = this.cursor.reset(d, at + 2, length - 2);
    let padding = 0;
    let options = 0;
    while (cursor.next()) {
      const type = cursor.type;
      if (type === Ipv6OptionType.PAD1 || type === Ipv6OptionType.PADN) {
        padding += cursor.optionLength;
        if (padding > MAX_PADDING) return drop(c['bad-options']);
        for (let i = 0; i < cursor.dataLength; i++) if (d[cursor.dataOffset + i] !== 0) return drop(c['bad-options']);
        continue;
      }
      padding = 0;
      if (++options > this.maxOptions) return drop(c['too-many-options']);
      if (hopByHop && type === Ipv6OptionType.ROUTER_ALERT && cursor.dataLength === 2) {
        buf.flags |= PacketMarks.ROUTER_ALERT;
        continue;
      }
      const action = ipv6OptionAction(type);
      if (action === Ipv6OptionAction.SKIP) continue;
      if (action !== Ipv6OptionAction.DISCARD) {
        const net = buf.networkOffset;
        const multicast = isMulticastAt(d, net + 24);
        if (action === Ipv6OptionAction.DISCARD_ICMP || !multicast) {
          this.errors.send(
            Icmpv6Type.PARAMETER_PROBLEM,
            Icmpv6ParameterProblemCode.UNRECOGNIZED_OPTION,
            cursor.optionOffset - net,
            d,
            net,
            buf.end - net,
            from,
            action === Ipv6OptionAction.DISCARD_ICMP,
          );
        }
      }
      return drop(c['unknown-option']);
    }
    if (cursor.malformed) return drop(c['bad-options']);
    return true;
  }
}

function drop(counter: Counter): false {
  counter.inc();
  return false;
}
