import type { IpAddress } from '../addr/index.js';
import type { EchoEvent } from '../contracts/echo.js';
import type { Disposer } from '../engine/disposer.js';
import type { Clock } from '../time/index.js';

/**
 * The listener side of an {@link IcmpEcho} service, the same for ICMP and ICMPv6: one listener per
 * echo identifier, identifier allocation, and delivery of replies and errors. A listener that
 * throws must not unwind the stack: its exception is rethrown later, outside the packet path.
 * @public
 */
export class EchoListeners {
  private readonly listeners = new Map<number, (event: EchoEvent) => void>();
  private nextIdentifier: number;

  /** `salt` spreads the first identifier of each family apart (any value will do). */
  constructor(
    private readonly clock: Clock,
    salt: number,
  ) {
    this.nextIdentifier = (clock.now() * 40503 + salt) & 0xffff;
  }

  /** {@link IcmpEcho.listen}. */
  listen(identifier: number, listener: (event: EchoEvent) => void): Disposer {
    checkEchoField('identifier', identifier, 0xffff);
    if (this.listeners.has(identifier)) throw new Error(`identifier: echo identifier ${identifier} already has a listener`);
    this.listeners.set(identifier, listener);
    return () => {
      if (this.listeners.get(identifier) === listener) this.listeners.delete(identifier);
    };
  }

  /** {@link IcmpEcho.allocateIdentifier}. */
  allocateIdentifier(): number {
    for (let i = 0; i <= 0xffff; i++) {
      const id = (this.nextIdentifier + i) & 0xffff;
      if (!this.listeners.has(id)) {
        this.nextIdentifier = (id + 1) & 0xffff;
        return id;
      }
    }
    throw new Error('identifier: every echo identifier is in use');
  }

  /** Whether `identifier` has a listener (ask before building its event). */
  has(identifier: number): boolean {
    return this.listeners.has(identifier);
  }

  /** An echo reply carrying `data` (a copy the listener keeps); false when nobody listens. */
  reply(from: IpAddress, identifier: number, sequence: number, ttl: number, data: Uint8Array): boolean {
    const listener = this.listeners.get(identifier);
    if (listener === undefined) return false;
    notify(listener, { type: 'reply', from, identifier, sequence, size: data.length, ttl, receivedAt: this.clock.now(), data });
    return true;
  }

  /** An ICMP error quoting one of our echo requests (identifier and sequence from the quote). */
  error(from: IpAddress, icmpType: number, icmpCode: number, identifier: number, sequence: number): void {
    const listener = this.listeners.get(identifier);
    if (listener === undefined) return;
    notify(listener, { type: 'error', from, identifier, sequence, icmpType, icmpCode, receivedAt: this.clock.now() });
  }
}

/** Call an application listener; its exception must not unwind the stack, so it is rethrown later. */
function notify(listener: (event: EchoEvent) => void, event: EchoEvent): void {
  try {
    listener(event);
  } catch (e) {
    void Promise.reject(e);
  }
}

/**
 * Throws a RangeError naming `field` unless `value` is an integer in 0..max.
 * @public
 */
export function checkEchoField(field: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${field}: must be an integer in 0..${max}, got ${String(value)}`);
}
