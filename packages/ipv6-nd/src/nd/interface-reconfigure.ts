import type { NetInterface } from '@stack/core';
import type { AddressAutoconf } from './autoconf/autoconf.js';
import type { MldHost } from './mld/mld-host.js';
import { interfaceKey, type NdInterfaceConfig, type NdInterfaceOptions, resolveInterfaceOverrides } from './nd-interface-options.js';
import type { RouterSolicitor } from './routers/router-solicitor.js';
import { type NdRuntime, runsNd } from './runtime/nd-runtime.js';

/** The parts a settings change may have to restart. @internal */
export interface ReconfigureParts {
  readonly autoconf: AddressAutoconf;
  readonly solicitor: RouterSolicitor;
  readonly mld: MldHost;
}

/**
 * Per-interface settings changed at run time (`NdControl.setInterfaceOptions`): validates and
 * stores the overrides, and makes an existing interface follow them at once — RetransTimer and
 * BaseReachableTime take the new values, router solicitation stops when `acceptRa` goes off and
 * starts when it comes on, a link-local address is formed when `linkLocal` comes on, and MLD
 * reports the groups when it is turned on. The rest (SLAAC, identifiers, DAD) applies to what
 * happens next.
 * @internal
 */
export class InterfaceReconfigurer {
  constructor(
    private readonly rt: NdRuntime,
    private readonly parts: ReconfigureParts,
  ) {}

  /** Store overrides for `iface`; the index of an existing interface stands for its name (whose entry wins). */
  set(iface: string | number, options: NdInterfaceOptions): void {
    const given = interfaceKey(iface);
    const ifp = this.rt.stack.interfaces.get(/^[0-9]/.test(given) ? Number(given) : given);
    const key = ifp?.name ?? given;
    const overrides = resolveInterfaceOverrides(options, `interfaces.${key}`);
    const before = ifp === undefined ? null : this.rt.settings.of(ifp.index);
    this.rt.settings.set(key, overrides);
    if (ifp === undefined || before === null || !runsNd(ifp)) return;
    this.apply(ifp, before, this.rt.settings.of(ifp.index));
  }

  private apply(ifp: NetInterface, before: NdInterfaceConfig, after: NdInterfaceConfig): void {
    if (before.retransTimerMs !== after.retransTimerMs || before.reachableTimeMs !== after.reachableTimeMs) {
      this.rt.params.peek(ifp.index)?.configure(after, this.rt.stack.clock.now());
    }
    if (before.acceptRa && !after.acceptRa) this.parts.solicitor.stop(ifp.index);
    if (!ifp.isRunning) return;
    if (!before.acceptRa && after.acceptRa) this.parts.solicitor.start(ifp);
    if (!before.linkLocal && after.linkLocal) this.parts.autoconf.interfaceUp(ifp);
    if (!before.mld && after.mld) this.parts.mld.interfaceUp(ifp);
  }
}
