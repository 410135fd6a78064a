import { defineEvent, type StackEvent } from '@stack/core';

/**
 * Another host claims one of our addresses (RFC 5227 §2.4, or §2.1.1 while the address is still
 * tentative).
 * @public
 */
export interface ArpConflictEvent extends StackEvent {
  readonly system: 'ARP';
  /** Interface name. */
  readonly subsystem: string;
  readonly type: 'CONFLICT';
  readonly ifindex: number;
  /** Our address, dotted quad. */
  readonly address: string;
  /** The other host's link address, `aa:bb:...`. */
  readonly linkAddress: string;
  /** The address was still tentative (a probe conflict; nothing was defended). */
  readonly tentative: boolean;
  /** We answered with one announcement (at most once per defend interval). */
  readonly defended: boolean;
}

/** Events of the `'ARP'` system. @public */
export const ArpEvents = defineEvent<ArpConflictEvent>('ARP');
