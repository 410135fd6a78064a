import type { PacketBuffer } from '../buffer/index.js';
import type { InterfaceAddress } from './interface-address.js';
import type { NetInterface } from './interface.js';

/** Interface event types. @public */
export type InterfaceEventType = 'ATTACH' | 'DETACH' | 'UP' | 'DOWN' | 'LINK_UP' | 'LINK_DOWN' | 'MTU' | 'LLADDR';

/** @internal What an interface needs from its stack (kept narrow so interfaces stay testable). */
export interface InterfaceHost {
  now(): number;
  allocate(length: number): PacketBuffer;
  input(ifp: NetInterface, frames: readonly PacketBuffer[], count: number): void;
  transmit(ifp: NetInterface, buf: PacketBuffer): void;
  interfaceEvent(ifp: NetInterface, type: InterfaceEventType): void;
  runningChanged(ifp: NetInterface): void;
  /** Runs the `if.address` hooks; false when one refused. */
  addressChange(ifp: NetInterface, addr: InterfaceAddress, op: 'ADD' | 'DELETE'): boolean;
  addressEvent(ifp: NetInterface, addr: InterfaceAddress, type: 'ADD' | 'DELETE' | 'CHANGE'): void;
  lastHookReason(): string;
}
