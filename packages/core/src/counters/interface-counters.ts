/**
 * Fixed per-interface statistics (FreeBSD `if_data`): plain fields the receive and transmit
 * paths bump directly.
 * @public
 */
export class InterfaceCounters {
  /** Frames received and handed to the stack. */
  rxPackets = 0;
  /** Bytes of those frames. */
  rxBytes = 0;
  /** Frames received malformed (bad length, unparsable header). */
  rxErrors = 0;
  /** Frames received but dropped (no protocol, filtered, no buffer, queue full). */
  rxDropped = 0;
  /** Multicast and broadcast frames received. */
  rxMulticast = 0;
  /** Frames handed to the driver. */
  txPackets = 0;
  /** Bytes of those frames. */
  txBytes = 0;
  /** Frames the driver failed to send. */
  txErrors = 0;
  /** Frames dropped before reaching the driver (queue full, link down, unresolved neighbour). */
  txDropped = 0;

  /** The fields by name, in declaration order. */
  snapshot(): Record<string, number> {
    return {
      rxPackets: this.rxPackets,
      rxBytes: this.rxBytes,
      rxErrors: this.rxErrors,
      rxDropped: this.rxDropped,
      rxMulticast: this.rxMulticast,
      txPackets: this.txPackets,
      txBytes: this.txBytes,
      txErrors: this.txErrors,
      txDropped: this.txDropped,
    };
  }

  /** Set every field to 0. */
  reset(): void {
    this.rxPackets = 0;
    this.rxBytes = 0;
    this.rxErrors = 0;
    this.rxDropped = 0;
    this.rxMulticast = 0;
    this.txPackets = 0;
    this.txBytes = 0;
    this.txErrors = 0;
    this.txDropped = 0;
  }
}
