import type { Impairment } from './impairment.js';
import type { MacTableEntry, SwitchStats } from './mac-table.js';
import type { SimEndpoint } from './sim-endpoint.js';

/**
 * Options for {@link SimNetwork.switch}.
 * @public
 */
export interface SwitchOptions {
  /** For listings. Default `sw0`, `sw1`, ... */
  name?: string;
  /** How long a learned address is kept without traffic from it, ms. Default 300 000 (300 s). */
  macAgingMs?: number;
  /** Most addresses learned at once. Default 4096. */
  macTableSize?: number;
}

/**
 * Options for {@link SimSwitch.port}.
 * @public
 */
export interface SwitchPortOptions {
  /** Device name. Default `<switch>p<index>`. */
  name?: string;
  /** MTU of the device. Default 1500. */
  mtu?: number;
  /** MAC of the device plugged in. Default: the network's next 02:00:... address. */
  mac?: Uint8Array;
  /** Whether the port starts with carrier. Default true. */
  up?: boolean;
  /** Impairment for both directions, unless overridden below. */
  impairment?: Impairment;
  /** Impairment of frames from the device into the switch. */
  toSwitch?: Impairment;
  /** Impairment of frames from the switch to the device. */
  fromSwitch?: Impairment;
}

/**
 * A learning Ethernet switch with any number of ports, from {@link SimNetwork.switch}. It learns
 * source MACs per port (aged against the clock, bounded), forwards known unicast out of one port,
 * floods broadcast, multicast and unknown unicast out of every other port that is up, and never
 * sends a frame back out of the port it came in on. Forwarding takes no time; delay and loss
 * come from the ports' impairments.
 * @public
 */
export interface SimSwitch {
  /** For listings. */
  readonly name: string;
  /** Forwarding counters (a live object). */
  readonly stats: Readonly<SwitchStats>;
  /** The devices plugged into the ports, by port index. */
  readonly ports: readonly SimEndpoint[];
  /** Add a port and return the device plugged into it, to give to a stack interface. */
  port(options?: SwitchPortOptions): SimEndpoint;
  /** The learned addresses, sorted by MAC, after forgetting the aged ones. */
  macTable(): MacTableEntry[];
  /** Forget every learned address. */
  flushMacTable(): void;
}
