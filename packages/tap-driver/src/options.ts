// The options of openTap(), validated and filled in once, before anything is opened.

/**
 * Options of {@link openTap}.
 * @public
 */
export interface TapOptions {
  /**
   * Name of the TAP device. Required unless `create` is true, in which case the kernel picks a
   * free `tapN` name when it is omitted.
   */
  name?: string;
  /**
   * Create the device if it does not exist (needs CAP_NET_ADMIN). A device the driver creates is
   * removed by the kernel when the driver closes. Default: false when `name` is given (the device
   * must exist), true otherwise.
   */
  create?: boolean;
  /**
   * Network namespace to find or create the device in: a name under `/run/netns` (as made by
   * `ip netns add`) or an absolute path to a namespace file. Default: the caller's namespace.
   * Only the opening thread enters the namespace, only while opening.
   */
  netns?: string;
  /** Set the device MTU at open (needs CAP_NET_ADMIN). Default: leave it as it is. */
  mtu?: number;
  /** Set the device's hardware address at open (needs CAP_NET_ADMIN). Default: leave it. */
  hardwareAddress?: Uint8Array;
  /** Set (true) or clear (false) the administrative up flag at open. Default: leave it. */
  up?: boolean;
  /**
   * Most frames read per wake-up and written per native call. It is also the number of receive
   * buffers the driver keeps posted from the sink's pool while started, as a NIC keeps receive
   * descriptors posted. Default 128.
   */
  batch?: number;
  /** Most frames waiting for transmission; beyond it frames are dropped and counted. Default 4096. */
  queueLimit?: number;
  /** Milliseconds between link-state (and MTU/address) checks; 0 disables them. Default 1000. */
  linkPollInterval?: number;
}

/** Resolved options, as the driver uses them. @internal */
export interface ResolvedTapOptions {
  name: string;
  create: boolean;
  netns: string;
  batch: number;
  queueLimit: number;
  linkPollInterval: number;
}

/** Validates and fills in {@link TapOptions}. @internal */
export function resolveTapOptions(options: TapOptions = {}): ResolvedTapOptions {
  const name = options.name ?? '';
  const create = options.create ?? name === '';
  if (!create && name === '') throw new TypeError('openTap: a name is required unless create is true');
  if (new TextEncoder().encode(name).length > 15) throw new TypeError(`openTap: interface name too long: ${name}`);
  const batch = options.batch ?? 128;
  if (!Number.isInteger(batch) || batch < 1 || batch > 4096) {
    throw new RangeError('openTap: batch must be an integer in [1, 4096]');
  }
  const queueLimit = options.queueLimit ?? 4096;
  if (!Number.isInteger(queueLimit) || queueLimit < 1) {
    throw new RangeError('openTap: queueLimit must be a positive integer');
  }
  const linkPollInterval = options.linkPollInterval ?? 1000;
  if (!(linkPollInterval >= 0)) throw new RangeError('openTap: linkPollInterval must be >= 0');
  let netns = options.netns ?? '';
  if (netns !== '' && !netns.startsWith('/')) {
    if (netns.includes('/') || netns === '.' || netns === '..') {
      throw new TypeError(`openTap: bad network namespace name: ${netns}`);
    }
    netns = `/run/netns/${netns}`;
  }
  return { name, create, netns, batch, queueLimit, linkPollInterval };
}
