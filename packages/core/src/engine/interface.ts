import type { AddressFamily, IpAddress } from '../addr/index.js';
import { parseIpAddress, MacAddress } from '../addr/index.js';
import type { PacketBuffer } from '../buffer/index.js';
import type { LinkDriver, LinkDriverSink } from '../contracts/link-driver.js';
import { InterfaceCounters } from '../counters/index.js';
import type { Disposer } from './disposer.js';
import { type ExtensionKey, ExtensionSlots } from './extension.js';
import { AddressFlags, InterfaceAddress } from './interface-address.js';
import type { InterfaceHost } from './interface-host.js';

/**
 * Interface flags (BSD `IFF_*` values).
 * @public
 */
export const InterfaceFlags = {
  UP: 0x1,
  BROADCAST: 0x2,
  LOOPBACK: 0x8,
  POINTOPOINT: 0x10,
  RUNNING: 0x40,
  NOARP: 0x80,
  PROMISC: 0x100,
  MULTICAST: 0x8000,
} as const;

/** What to add to an interface. @public */
export interface AddressSpec {
  /** An address object or text such as `'192.0.2.1'`; text may carry the prefix (`'192.0.2.1/24'`). */
  readonly address: IpAddress | string;
  /** Required unless `address` is text with a `/length`. */
  readonly prefixLength?: number;
  /** {@link AddressFlags} bits. */
  readonly flags?: number;
  /** Lifetimes in ms from now; default infinite. */
  readonly validLifetime?: number;
  readonly preferredLifetime?: number;
}

/**
 * A network interface of one stack: name, index, type, flags, MTU, hardware address, addresses,
 * link state, default FIB and counters. Drivers deliver frames to it ({@link LinkDriverSink}).
 * @public
 */
export class NetInterface implements LinkDriverSink {
  readonly index: number;
  readonly name: string;
  /** Interface type, which selects the link layer (`'ethernet'`, `'loopback'`...). */
  readonly type: string;
  readonly driver: LinkDriver | null;
  /** Default FIB of packets received here and of sockets bound here. */
  fib: number;
  readonly counters = new InterfaceCounters();
  readonly ext = new ExtensionSlots();
  private flagBits: number;
  private mtuValue: number;
  private hwAddr: Uint8Array | null;
  private link: boolean;
  private addrs: readonly InterfaceAddress[] = [];
  private readonly host: InterfaceHost;
  /** @internal Frames waiting for the end of the current processing turn: the first `txCount`. */
  readonly txQueue: PacketBuffer[] = [];
  /** @internal */
  txCount = 0;

  /** @internal */
  constructor(host: InterfaceHost, index: number, name: string, type: string, driver: LinkDriver | null, options: {
    mtu: number; hardwareAddress: Uint8Array | null; flags: number; fib: number;
  }) {
    this.host = host;
    this.index = index;
    this.name = name;
    this.type = type;
    this.driver = driver;
    this.mtuValue = options.mtu;
    this.hwAddr = options.hardwareAddress;
    this.flagBits = options.flags;
    this.fib = options.fib;
    this.link = driver ? driver.linkUp : true;
  }

  /** {@link InterfaceFlags} bits; RUNNING follows administrative state and carrier. */
  get flags(): number {
    return this.isRunning ? this.flagBits | InterfaceFlags.RUNNING : this.flagBits & ~InterfaceFlags.RUNNING;
  }
  get mtu(): number {
    return this.mtuValue;
  }
  /** Hardware (link) address bytes, or null. Do not modify; use {@link NetInterface.setHardwareAddress}. */
  get hardwareAddress(): Uint8Array | null {
    return this.hwAddr;
  }
  /** Carrier. */
  get linkUp(): boolean {
    return this.link;
  }
  get isUp(): boolean {
    return (this.flagBits & InterfaceFlags.UP) !== 0;
  }
  /** Administratively up and with carrier: frames flow. */
  get isRunning(): boolean {
    return (this.flagBits & InterfaceFlags.UP) !== 0 && this.link;
  }
  hasFlag(flag: number): boolean {
    return (this.flags & flag) !== 0;
  }
  /** Addresses of every family, in the order they were added. */
  get addresses(): readonly InterfaceAddress[] {
    return this.addrs;
  }
  /** Addresses of one family. */
  addressesOf(family: AddressFamily): InterfaceAddress[] {
    return this.addrs.filter((a) => a.family === family);
  }
  /** The configured address equal to `address`, or undefined. */
  findAddress(address: IpAddress): InterfaceAddress | undefined {
    return this.addrs.find((a) => a.address.equals(address));
  }

  /** Bring the interface administratively up or down (`ifconfig up/down`). */
  setUp(up: boolean): void {
    this.setFlag(InterfaceFlags.UP, up);
  }

  /** Set or clear a flag other than RUNNING (derived). */
  setFlag(flag: number, on: boolean): void {
    if (flag === InterfaceFlags.RUNNING) throw new Error('flag RUNNING is derived from UP and carrier');
    const before = this.isRunning;
    const wasUp = this.isUp;
    this.flagBits = on ? this.flagBits | flag : this.flagBits & ~flag;
    if (wasUp !== this.isUp) this.host.interfaceEvent(this, this.isUp ? 'UP' : 'DOWN');
    if (before !== this.isRunning) this.host.runningChanged(this);
  }

  setMtu(mtu: number): void {
    if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) throw new RangeError(`mtu: ${mtu} is not an integer in 68..65535`);
    this.mtuValue = mtu;
    this.host.interfaceEvent(this, 'MTU');
  }

  setHardwareAddress(addr: MacAddress | string | Uint8Array): void {
    const bytes = typeof addr === 'string' ? MacAddress.parse(addr).bytes : addr instanceof Uint8Array ? addr : addr.bytes;
    this.hwAddr = Uint8Array.from(bytes);
    this.host.interfaceEvent(this, 'LLADDR');
  }

  /** Add an address; errors name the field. Runs the `if.address` hooks (which may refuse it). */
  addAddress(spec: AddressSpec): InterfaceAddress {
    let address: IpAddress;
    let prefixLength = spec.prefixLength;
    if (typeof spec.address === 'string') {
      const slash = spec.address.indexOf('/');
      const text = slash >= 0 ? spec.address.slice(0, slash) : spec.address;
      address = parseIpAddress(text);
      if (slash >= 0) {
        const lenText = spec.address.slice(slash + 1);
        if (!/^\d{1,3}$/.test(lenText)) throw new Error(`prefixLength: "${lenText}" in "${spec.address}" is not a number`);
        prefixLength ??= Number(lenText);
      }
    } else {
      address = spec.address;
    }
    const max = address.family === 'ipv4' ? 32 : 128;
    if (prefixLength === undefined) throw new Error(`prefixLength: missing for address ${address.toString()}`);
    if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > max) {
      throw new Error(`prefixLength: ${prefixLength} is out of range 0..${max} for ${address.toString()}`);
    }
    if (this.findAddress(address)) throw new Error(`address: ${address.toString()} is already configured on ${this.name}`);
    const ia = new InterfaceAddress(this.index, address, prefixLength, spec.flags ?? 0);
    const now = this.host.now();
    if (spec.validLifetime !== undefined) ia.validUntil = now + spec.validLifetime;
    if (spec.preferredLifetime !== undefined) ia.preferredUntil = now + spec.preferredLifetime;
    if (!this.host.addressChange(this, ia, 'ADD')) {
      throw new Error(`address: ${ia.toString()} on ${this.name} was refused by a hook (${this.host.lastHookReason()})`);
    }
    this.addrs = [...this.addrs, ia];
    this.host.addressEvent(this, ia, 'ADD');
    return ia;
  }

  /** Remove an address (object or equal address); returns whether it was there. */
  removeAddress(address: InterfaceAddress | IpAddress | string): boolean {
    const target =
      address instanceof InterfaceAddress
        ? address
        : this.findAddress(typeof address === 'string' ? parseIpAddress(address.split('/')[0]) : address);
    if (!target || !this.addrs.includes(target)) return false;
    this.addrs = this.addrs.filter((a) => a !== target);
    this.host.addressChange(this, target, 'DELETE');
    this.host.addressEvent(this, target, 'DELETE');
    return true;
  }

  /** Announce a change of an address's flags or lifetimes (DAD finished, deprecated...). */
  addressChanged(addr: InterfaceAddress): void {
    if (this.addrs.includes(addr)) this.host.addressEvent(this, addr, 'CHANGE');
  }

  /** Set an extension slot; returns a remover. */
  setExt<T>(key: ExtensionKey<T>, value: T): Disposer {
    return this.ext.set(key, value);
  }

  // --- LinkDriverSink -------------------------------------------------------------------------

  /** @internal A buffer from the stack's pool for a received frame. */
  allocate(length: number): PacketBuffer {
    return this.host.allocate(length);
  }

  /** @internal Frames from the driver; ownership passes to the stack. */
  receive(frames: readonly PacketBuffer[], count: number): void {
    this.host.input(this, frames, count);
  }

  /** @internal Carrier changed. */
  linkStateChanged(up: boolean): void {
    if (up === this.link) return;
    const before = this.isRunning;
    this.link = up;
    this.host.interfaceEvent(this, up ? 'LINK_UP' : 'LINK_DOWN');
    if (before !== this.isRunning) this.host.runningChanged(this);
  }

  // --- output ----------------------------------------------------------------------------------

  /**
   * Hand a complete frame to the driver. Within a processing turn frames are batched and flushed
   * when the turn ends; outside one they go at once. Takes ownership of `buf`.
   */
  transmit(buf: PacketBuffer): void {
    this.host.transmit(this, buf);
  }

  toString(): string {
    return this.name;
  }
}

export { AddressFlags };
