// @stack/tap-driver: a LinkDriver on Linux TAP devices, through a native N-API addon with batched,
// non-blocking I/O on the event loop. The addon is optional: when it is not built, isTapAvailable()
// returns false and openTap() rejects with an explanation. See README.md.
import { TapDriver } from './driver.js';
import { resolveTapOptions, type TapOptions } from './options.js';
import { loadBinding, tapUnavailableReason } from './native.js';

export { TapDriver, type TapOptions, tapUnavailableReason };

/**
 * Whether TAP devices can be used here: Linux, the native addon built and loadable, and
 * `/dev/net/tun` present. It does not check privileges (opening needs CAP_NET_ADMIN unless the
 * device was made for this user).
 * @public
 */
export function isTapAvailable(): boolean {
  return tapUnavailableReason() === null;
}

/**
 * Open a TAP device: attach to an existing one by name, or create one (`create: true`).
 * Rejects with an Error carrying `errno` and `code` (e.g. `EBUSY` when another process holds the
 * device, `EPERM` without CAP_NET_ADMIN, `ENODEV` when it does not exist).
 *
 * @example
 * ```ts
 * import { isTapAvailable, openTap } from '@stack/tap-driver';
 *
 * if (isTapAvailable()) {
 *   const driver = await openTap({ name: 'tap0', netns: 'lab' });
 *   // hand it to an interface, which calls driver.start(sink); later:
 *   await driver.close();
 * }
 * ```
 * @public
 */
export async function openTap(options: TapOptions = {}): Promise<TapDriver> {
  const resolved = resolveTapOptions(options);
  return new TapDriver(loadBinding(), resolved, options);
}
