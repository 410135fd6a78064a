import type { LinkDriver } from '@stack/core';
import type { FrameDirection, FrameTap } from './frame-observer.js';
import type { Impairment, ImpairmentStats } from './impairment.js';

/**
 * A simulated network device: one end of a cable from {@link SimNetwork.linkPair}, or the device
 * plugged into a port of a {@link SimSwitch}. It is the `LinkDriver` a stack interface is given
 * (kind `'sim'`), plus controls for tests.
 *
 * Frames it is sent are copied and released at once. Frames for it are copied into buffers from
 * the stack's sink and handed over in one `receive` call per delivery round, never inside the
 * sender's call. Frames longer than the MTU plus 18 bytes (Ethernet header with one VLAN tag) are
 * dropped and counted (`stats.txDropped` / `stats.rxDropped`).
 * @public
 */
export interface SimEndpoint extends LinkDriver, FrameTap {
  /** The device's MAC. */
  readonly hardwareAddress: Uint8Array;
  /**
   * Plug or unplug the wire. On a cable both ends see `linkStateChanged`; on a switch port the
   * device does and the switch forgets the addresses it learned there. Frames in flight towards
   * a device whose link is down are lost (counted as `downDropped`).
   */
  setLinkUp(up: boolean): void;
  /**
   * Replace the impairment of one direction: `'tx'` for frames this device sends, `'rx'` for
   * frames it receives. `null` removes it. The direction's generator restarts from its seed.
   */
  setImpairment(direction: FrameDirection, impairment: Impairment | null): void;
  /**
   * What one direction's impairment has done so far (a live object). On a cable, one end's
   * `'tx'` is the other end's `'rx'`.
   */
  impairmentStats(direction: FrameDirection): Readonly<ImpairmentStats>;
}
