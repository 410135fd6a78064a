import { Carrier } from './carrier.js';
import type { Channel, FrameTarget } from './channel.js';
import type { Impairment } from './impairment.js';
import { isGroupMac, macKey } from './mac.js';
import { MacTable, type MacTableEntry, type SwitchStats } from './mac-table.js';
import { SimEndpoint } from './sim-endpoint.js';
import type { SimFabric } from './sim-fabric.js';

/** Destination and source MAC: the least a frame needs for the switch to handle it. */
const MIN_FRAME_LENGTH = 14;

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

/** The switch's side of one port. */
class SwitchPort implements FrameTarget {
  egress!: Channel;

  constructor(
    private readonly owner: SimSwitch,
    readonly index: number,
    readonly carrier: Carrier,
    readonly device: SimEndpoint,
  ) {}

  acceptFrame(bytes: Uint8Array, length: number): boolean {
    if (!this.device.linkUp) return false;
    this.owner.forward(this.index, bytes, length);
    return true;
  }

  carrierChanged(up: boolean): void {
    if (!up) this.owner.forgetPort(this.index);
  }
}

/**
 * A learning Ethernet switch with any number of ports. It learns source MACs per port (aged by
 * the clock, bounded), forwards known unicast out of one port, floods broadcast, multicast and
 * unknown unicast out of every other port that is up, and never sends a frame back out of the
 * port it came in on. Forwarding itself takes no time; delay comes from the ports' impairments.
 * @public
 */
export class SimSwitch {
  readonly name: string;
  readonly stats: SwitchStats = {
    framesIn: 0,
    forwarded: 0,
    flooded: 0,
    filtered: 0,
    portDown: 0,
    runts: 0,
    learned: 0,
    moved: 0,
    aged: 0,
    tableFull: 0,
  };
  private readonly table: MacTable;
  private readonly switchPorts: SwitchPort[] = [];
  private readonly devices: SimEndpoint[] = [];

  /** @internal Created by {@link SimNetwork.switch}. */
  constructor(
    private readonly fabric: SimFabric,
    options: SwitchOptions = {},
  ) {
    this.name = options.name ?? fabric.nextName('sw');
    const agingMs = options.macAgingMs ?? 300_000;
    const capacity = options.macTableSize ?? 4096;
    if (!(agingMs >= 0)) throw new RangeError(`SimSwitch: macAgingMs must be ≥ 0, got ${agingMs}`);
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`SimSwitch: macTableSize must be an integer ≥ 0, got ${capacity}`);
    this.table = new MacTable(agingMs, capacity, this.stats);
  }

  /** The devices plugged into the ports, by port index. */
  get ports(): readonly SimEndpoint[] {
    return this.devices;
  }

  /** Add a port and return the device plugged into it, to give to a stack interface. */
  port(options: SwitchPortOptions = {}): SimEndpoint {
    const index = this.switchPorts.length;
    const carrier = new Carrier(options.up ?? true);
    const device = new SimEndpoint(this.fabric, {
      name: options.name ?? `${this.name}p${index}`,
      mtu: options.mtu ?? 1500,
      mac: options.mac ?? this.fabric.nextMac(),
      carrier,
    });
    const port = new SwitchPort(this, index, carrier, device);
    carrier.listen(port);
    const ingress = this.fabric.createChannel(port, options.toSwitch ?? options.impairment);
    port.egress = this.fabric.createChannel(device, options.fromSwitch ?? options.impairment);
    device.connect(ingress, port.egress);
    this.switchPorts.push(port);
    this.devices.push(device);
    return device;
  }

  /** The learned addresses, sorted by MAC, after dropping the aged ones. */
  macTable(): MacTableEntry[] {
    return this.table.list(this.fabric.clock.now());
  }

  /** Forget every learned address. */
  flushMacTable(): void {
    this.table.clear();
  }

  /** @internal A frame arrived on port `ingress`. */
  forward(ingress: number, bytes: Uint8Array, length: number): void {
    const stats = this.stats;
    stats.framesIn++;
    if (length < MIN_FRAME_LENGTH) {
      stats.runts++;
      return;
    }
    const now = this.fabric.clock.now();
    if (!isGroupMac(bytes, 6)) this.table.learn(macKey(bytes, 6), ingress, now);
    const egress = isGroupMac(bytes, 0) ? -1 : this.table.lookup(macKey(bytes, 0), now);
    if (egress < 0) {
      this.flood(ingress, bytes, length);
      return;
    }
    if (egress === ingress) {
      stats.filtered++;
      return;
    }
    const port = this.switchPorts[egress];
    if (!port.device.linkUp) {
      stats.portDown++;
      return;
    }
    stats.forwarded++;
    port.egress.transmit(bytes, 0, length);
  }

  /** @internal */
  forgetPort(index: number): void {
    this.table.forgetPort(index);
  }

  private flood(ingress: number, bytes: Uint8Array, length: number): void {
    this.stats.flooded++;
    const ports = this.switchPorts;
    for (let i = 0; i < ports.length; i++) {
      if (i !== ingress && ports[i].device.linkUp) ports[i].egress.transmit(bytes, 0, length);
    }
  }
}
