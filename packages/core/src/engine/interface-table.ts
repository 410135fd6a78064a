import { MacAddress } from '../addr/index.js';
import type { LinkDriver } from '../contracts/link-driver.js';
import { InterfaceFlags, NetInterface } from './interface.js';
import type { InterfaceHost } from './interface-host.js';

/** How to create an interface. @public */
export interface InterfaceOptions {
  /** At most 15 characters: a lowercase letter, then letters, digits, '.', '-' or '_' (e.g. `em0`). */
  readonly name: string;
  /** The link driver; absent only for interfaces the stack drives itself (loopback). */
  readonly driver?: LinkDriver;
  /** Selects the link layer; default `'ethernet'` for a driver with a 6-byte hardware address. */
  readonly type?: string;
  /** Default: the driver's MTU. */
  readonly mtu?: number;
  /** Default: the driver's hardware address. */
  readonly hardwareAddress?: MacAddress | string | Uint8Array;
  /** Default FIB; default 0. */
  readonly fib?: number;
  /** Bring it up at once; default true. */
  readonly up?: boolean;
  /** Extra {@link InterfaceFlags}; default BROADCAST | MULTICAST for Ethernet. */
  readonly flags?: number;
}

const NAME_PATTERN = /^[a-z][a-z0-9._-]{0,14}$/;

/**
 * The interfaces of one stack, by name and by index.
 * @public
 */
export class InterfaceTable {
  private readonly byIndex: (NetInterface | undefined)[] = [];
  private readonly byName = new Map<string, NetInterface>();
  private nextIndex = 1;
  private readonly host: InterfaceHost;
  private readonly changed: (ifp: NetInterface, attached: boolean) => void;

  /** @internal */
  constructor(host: InterfaceHost, changed: (ifp: NetInterface, attached: boolean) => void) {
    this.host = host;
    this.changed = changed;
  }

  /** Create an interface and start its driver. Errors name the offending field. */
  add(options: InterfaceOptions): NetInterface {
    const { name, driver } = options;
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
      throw new Error(`name: "${String(name)}" is not a valid interface name (lowercase letter first, at most 15 characters)`);
    }
    if (this.byName.has(name)) throw new Error(`name: interface "${name}" already exists`);
    let hw: Uint8Array | null = null;
    if (options.hardwareAddress !== undefined) {
      const h = options.hardwareAddress;
      hw = typeof h === 'string' ? MacAddress.parse(h).bytes.slice() : h instanceof Uint8Array ? h.slice() : h.bytes.slice();
    } else if (driver?.hardwareAddress) {
      hw = driver.hardwareAddress.slice();
    }
    const type = options.type ?? (hw !== null && hw.length === 6 ? 'ethernet' : undefined);
    if (type === undefined) throw new Error(`type: interface "${name}" needs a type (its driver has no Ethernet address)`);
    const mtu = options.mtu ?? driver?.mtu ?? 1500;
    if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) throw new Error(`mtu: ${mtu} is not an integer in 68..65535`);
    const fib = options.fib ?? 0;
    if (!Number.isInteger(fib) || fib < 0) throw new Error(`fib: ${fib} is not a FIB number`);
    let flags = options.flags ?? (type === 'ethernet' ? InterfaceFlags.BROADCAST | InterfaceFlags.MULTICAST : 0);
    if (options.up !== false) flags |= InterfaceFlags.UP;
    const ifp = new NetInterface(this.host, this.nextIndex++, name, type, driver ?? null, { mtu, hardwareAddress: hw, flags, fib });
    this.byIndex[ifp.index] = ifp;
    this.byName.set(name, ifp);
    this.changed(ifp, true);
    driver?.start(ifp);
    return ifp;
  }

  /** Remove an interface: bring it down, drop its addresses, and close its driver (unless told not to). */
  async remove(nameOrIndex: string | number, options: { closeDriver?: boolean } = {}): Promise<void> {
    const ifp = this.get(nameOrIndex);
    if (!ifp) throw new Error(`interface: ${String(nameOrIndex)} does not exist`);
    if (ifp.hasFlag(InterfaceFlags.LOOPBACK) && ifp.index === 1) throw new Error('interface: the loopback interface cannot be removed');
    ifp.setUp(false);
    for (const a of [...ifp.addresses]) ifp.removeAddress(a);
    this.byIndex[ifp.index] = undefined;
    this.byName.delete(ifp.name);
    this.changed(ifp, false);
    if (options.closeDriver !== false && ifp.driver) await ifp.driver.close();
  }

  /** By name or index. */
  get(nameOrIndex: string | number): NetInterface | undefined {
    return typeof nameOrIndex === 'number' ? this.byIndex[nameOrIndex] : this.byName.get(nameOrIndex);
  }

  /** By index, for hot paths (no type test). */
  byIndexFast(index: number): NetInterface | undefined {
    return this.byIndex[index];
  }

  /** Like get, but throws an error naming the interface when it does not exist. */
  require(nameOrIndex: string | number): NetInterface {
    const ifp = this.get(nameOrIndex);
    if (!ifp) throw new Error(`interface: ${String(nameOrIndex)} does not exist`);
    return ifp;
  }

  /** Every interface, by index. */
  list(): NetInterface[] {
    return this.byIndex.filter((i): i is NetInterface => i !== undefined);
  }

  /** Indexes in use, ascending. */
  indexes(): number[] {
    return this.list().map((i) => i.index);
  }

  get size(): number {
    return this.byName.size;
  }
}
