import type { AddressFamily } from '../addr/index.js';
import { defineEvent } from '../events/index.js';
import type { InterfaceAddress } from './interface-address.js';
import type { InterfaceEventType } from './interface-host.js';

/** An interface appeared, went away, or changed state (FreeBSD devd `IFNET`). @public */
export interface InterfaceEvent {
  readonly system: 'IFNET';
  /** Interface name. */
  readonly subsystem: string;
  readonly type: InterfaceEventType;
  readonly ifindex: number;
}

/** An address was added, removed or changed on an interface. @public */
export interface AddressEvent {
  readonly system: 'IFADDR';
  /** Interface name. */
  readonly subsystem: string;
  readonly type: 'ADD' | 'DELETE' | 'CHANGE';
  readonly ifindex: number;
  readonly family: AddressFamily;
  /** Text form, e.g. `'192.0.2.1/24'`. */
  readonly address: string;
  readonly addr: InterfaceAddress;
}

/** A module was loaded or unloaded. @public */
export interface ModuleEvent {
  readonly system: 'MODULE';
  /** Module name. */
  readonly subsystem: string;
  readonly type: 'LOAD' | 'UNLOAD';
}

/** @public */
export const InterfaceEvents = defineEvent<InterfaceEvent>('IFNET');
/** @public */
export const AddressEvents = defineEvent<AddressEvent>('IFADDR');
/** @public */
export const ModuleEvents = defineEvent<ModuleEvent>('MODULE');
