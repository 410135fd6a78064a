/**
 * A structured stack event in the FreeBSD devd shape, e.g.
 * `{ system: 'CARP', subsystem: '1@em0', type: 'MASTER' }`. Event types extend it with their own
 * readonly fields.
 * @public
 */
export interface StackEvent {
  /** The emitting system, e.g. `'CARP'`, `'IFNET'`, `'ND'`. Listeners subscribe per system. */
  readonly system: string;
  /** What within the system the event is about, e.g. `'1@em0'` or an interface name. */
  readonly subsystem: string;
  /** What happened, e.g. `'MASTER'`, `'LINK_UP'`. */
  readonly type: string;
}

/**
 * A typed handle for the events of one system, made by {@link defineEvent}. The event type exists
 * only at compile time.
 * @public
 */
export interface EventKey<E extends StackEvent> {
  /** The system whose events this key selects. */
  readonly system: string;
  /** Phantom, never set: carries the event type `E`. */
  readonly __event?: E;
}

/**
 * Declare the events of a system. Keys with the same system select the same events.
 *
 * @example
 * ```ts
 * interface CarpEvent extends StackEvent { system: 'CARP'; type: 'MASTER' | 'BACKUP' | 'INIT' }
 * const CarpEvents = defineEvent<CarpEvent>('CARP');
 * ```
 * @public
 */
export function defineEvent<E extends StackEvent>(system: E['system']): EventKey<E> {
  if (typeof system !== 'string' || system.length === 0) {
    throw new TypeError('defineEvent: system must be a non-empty string');
  }
  return Object.freeze({ system });
}
