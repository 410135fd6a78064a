import type { NdCounters } from '../runtime/nd-counters.js';
import { ND_HOP_LIMIT, type NdMessageView, type NdOptionScan } from '../wire/index.js';

/** A receive counter's name. @internal */
export type RxReason = keyof NdCounters['rx'];

/**
 * The checks every ND message shares (RFC 4861 §6.1.1, §6.1.2, §7.1.1, §7.1.2, §8.1): the whole
 * fixed part present, IP hop limit 255 (so it cannot come from off-link), ICMP code 0, and every
 * option with a non-zero length inside the message. The ICMPv6 checksum is the IPv6 layer's. On
 * success `scan` holds the option offsets. Returns the reason to drop, or null.
 * @internal
 */
export function validateNdMessage(view: NdMessageView, scan: NdOptionScan, hopLimit: number, linkLength: number): RxReason | null {
  if (view.check() !== null) return 'truncated';
  if (hopLimit !== ND_HOP_LIMIT) return 'bad-hop-limit';
  if (view.code !== 0) return 'bad-code';
  const failure = scan.scan(view.bytes, view.optionsOffset, view.end);
  if (failure !== null) return failure;
  // A link-layer address option must hold an address of the interface's length (RFC 4861 §4.6.1).
  if (scan.sllaOffset >= 0 && scan.sllaLength < linkLength) return 'bad-link-address';
  if (scan.tllaOffset >= 0 && scan.tllaLength < linkLength) return 'bad-link-address';
  return null;
}
