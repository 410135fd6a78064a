import { Carrier, type CarrierListener } from './carrier.js';
import type { Channel, FrameTarget } from './channel.js';
import { isGroupMac, macKey } from './mac.js';
import { MacTable, type MacTableEntry, type SwitchStats } from './mac-table.js';
import { SimDevice } from './sim-device.js';
import type { SimEndpoint } from './sim-endpoint.js';
import type { SimSwitch, SwitchOptions, SwitchPortOptions } from './sim-switch.js';
import type { SimFabric } from './sim-fabric.js';

/** Destination and source MAC: the least a frame needs for the switch to handle it. */
const MIN_FRAME_LENGTH = 14;

/** The switch's side of one port. */
class SwitchPort implements FrameTarget, CarrierListener {
  egress!: Channel;

  constructor(
    private readonly owner: LearningSwitch,
    readonly index: number,
    readonly device: SimDevice,
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
 * The implementation of {@link SimSwitch}.
 * @internal
 */
export class LearningSwitch implements SimSwitch {
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
  private readonly devices: SimDevice[] = [];

  constructor(
    private readonly fabric: SimFabric,
    options: SwitchOptions = {},
  ) {
    this.name = options.name ?? fabric.nextName('sw');
    const agingMs = options.macAgingMs ?? 300_000;
    const capacity = options.macTableSize ?? 4096;
    if (!(agingMs >= 0)) throw new RangeError(`SimNetwork.switch: macAgingMs must be ≥ 0, got ${agingMs}`);
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`SimNetwork.switch: macTableSize must be an integer ≥ 0, got ${capacity}`);
    this.table = new MacTable(agingMs, capacity, this.stats);
  }

  get ports(): readonly SimEndpoint[] {
    return this.devices;
  }

  port(options: SwitchPortOptions = {}): SimEndpoint {
    const index = this.switchPorts.length;
    const carrier = new Carrier(options.up ?? true);
    const device = new SimDevice(this.fabric, {
      name: options.name ?? `${this.name}p${index}`,
      mtu: options.mtu ?? 1500,
      mac: options.mac ?? this.fabric.nextMac(),
      carrier,
    });
    const port = new SwitchPort(this, index, device);
    carrier.listen(port);
    const ingress = this.fabric.createChannel(port, options.toSwitch ?? options.impairment);
    port.egress = this.fabric.createChannel(device, options.fromSwitch ?? options.impairment);
    device.connect(ingress, port.egress);
    this.switchPorts.push(port);
    this.devices.push(device);
    return device;
  }

  macTable(): MacTableEntry[] {
    return this.table.list(this.fabric.clock.now());
  }

  flushMacTable(): void {
    this.table.clear();
  }

  /** A frame arrived on port `ingress`. */
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
