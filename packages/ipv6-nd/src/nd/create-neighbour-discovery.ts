import { AddressEvents, type Disposer, InterfaceEvents, type InterfaceAddress, type NetInterface, TimerGroup } from '@stack/core';
import type { NdHost, NdParts } from '../nd-seam.js';
import { AddressAutoconf } from './autoconf/autoconf.js';
import { AddressLifetimes } from './autoconf/address-lifetimes.js';
import { Ipv6Disabler } from './interface-disable.js';
import { InterfaceReconfigurer } from './interface-reconfigure.js';
import { LinkAddressChange } from './link-address-change.js';
import { Dad } from './autoconf/dad.js';
import { NdInput } from './input/nd-input.js';
import { MldHost } from './mld/mld-host.js';
import { NdControlService } from './nd-control.js';
import { NdControlImpl } from './nd-control-impl.js';
import { type NdOptions, resolveNdOptions } from './nd-options.js';
import { Announcer } from './neighbours/announcer.js';
import { NdResolver } from './neighbours/nd-resolver.js';
import { Neighbours } from './neighbours/neighbours.js';
import { DefaultRouters } from './routers/default-routers.js';
import { PrefixList } from './routers/prefix-list.js';
import { Redirects } from './routers/redirects.js';
import { RouteInstaller } from './routers/route-installer.js';
import { RouterSolicitor } from './routers/router-solicitor.js';
import { DisabledInterfaces } from './runtime/disabled-interfaces.js';
import { InterfaceSettings } from './runtime/interface-settings.js';
import { LinkParameterTable } from './runtime/link-parameters.js';
import { ndCounters } from './runtime/nd-counters.js';
import { NdEventEmitter } from './runtime/nd-event-emitter.js';
import { type NdRuntime, runsNd } from './runtime/nd-runtime.js';
import { NdSender } from './runtime/nd-sender.js';

/**
 * Neighbour discovery (RFC 4861), address autoconfiguration with DAD (RFC 4862, RFC 7217) and the
 * MLDv2 host side (RFC 3810) for one stack, over the IPv6 layer's {@link NdHost}. Invalid options
 * throw an `NdOptionError` naming the field (a config from {@link resolveNdOptions} is valid options). Provides `NdControlService` through the host's module context and listens to
 * interface and address events until `dispose()`.
 * @internal
 */
export function createNeighbourDiscovery(host: NdHost, options: NdOptions = {}): NdParts {
  const config = resolveNdOptions(options);
  const stack = host.stack;
  const counters = ndCounters(host.ctx);
  // ND's timers, made through the module context (each callback a processing turn, disposed on
  // unload) and also remembered here, so `dispose()` can stop them when ND is torn down alone.
  const timers = new TimerGroup((callback) => host.ctx.createTimer(callback));
  const settings = new InterfaceSettings(stack, config, config.interfaces);
  const disabled = new DisabledInterfaces();
  const rt: NdRuntime = {
    host,
    stack,
    config,
    settings,
    disabled,
    counters,
    sender: new NdSender(host, counters, disabled),
    params: new LinkParameterTable(settings, config.random),
    timers,
    events: new NdEventEmitter(stack),
  };
  const installer = new RouteInstaller(host.routes, config.routeMetric);
  const neighbours = new Neighbours(rt);
  const announcer = new Announcer(rt);
  const mld = new MldHost(rt);
  const dad = new Dad(rt, mld);
  const autoconf = new AddressAutoconf(rt);
  const lifetimes = new AddressLifetimes(rt);
  const routers = new DefaultRouters(rt, neighbours, installer);
  const prefixes = new PrefixList(rt, installer);
  const redirects = new Redirects(rt, installer);
  const solicitor = new RouterSolicitor(rt);
  const input = new NdInput(rt, { neighbours, dad, autoconf, mld, routers, prefixes, redirects, installer, solicitor });
  const resolver = new NdResolver(stack, neighbours, announcer);

  neighbours.observer = {
    reachabilityChanged: (ifindex, entry) => routers.neighbourChanged(ifindex, entry.address),
    routerFlagCleared: (ifindex, entry) => {
      routers.notRouter(ifindex, entry.address);
    },
  };
  dad.listener = {
    ready: (ifp, addr) => {
      rt.events.emit(() => ({
        system: 'ND',
        subsystem: ifp.name,
        type: 'ADDRESS_READY',
        ifindex: ifp.index,
        address: addr.address.toString(),
        prefixLength: addr.prefixLength,
        autoconf: autoconf.isFormed(addr),
      }));
      // RFC 4861 §6.3.7 sends RSs from a link-local address once there is one: a pending series picks it up.
    },
    duplicate: (ifp, addr) => autoconf.duplicate(ifp, addr),
    duplicated: (ifp, addr) => disabler.duplicated(ifp, addr),
  };
  const disabler = new Ipv6Disabler(rt, { dad, autoconf, mld, routers, prefixes, redirects, solicitor });
  const linkChange = new LinkAddressChange(autoconf, announcer, disabler);
  const reconfigurer = new InterfaceReconfigurer(rt, { autoconf, solicitor, mld });
  host.ctx.provide(NdControlService, new NdControlImpl(rt, { neighbours, routers, prefixes, solicitor, dad, mld, reconfigurer, disabler }));

  const interfaceUp = (ifp: NetInterface, redoDad: boolean): void => {
    if (!runsNd(ifp) || !ifp.isRunning) return;
    mld.joinAllNodes(ifp);
    if (redoDad) dad.interfaceUp(ifp);
    autoconf.interfaceUp(ifp);
    mld.interfaceUp(ifp);
    solicitor.start(ifp);
  };
  const interfaceDown = (ifp: NetInterface): void => {
    dad.interfaceDown(ifp);
    solicitor.stop(ifp.index);
    // What RAs taught about the link may not hold when it comes back (it may be another network):
    // routers, prefixes, redirects and link parameters go now, and come back with the next RAs.
    routers.flush(ifp.index, 'down');
    prefixes.flush(ifp.index);
    redirects.flush(ifp.index);
    rt.params.delete(ifp.index);
  };
  const dropInterface = (ifindex: number): void => {
    solicitor.stop(ifindex);
    routers.flush(ifindex, 'interface');
    prefixes.flush(ifindex);
    redirects.flush(ifindex);
    neighbours.dropInterface(ifindex);
    mld.dropInterface(ifindex);
    rt.params.delete(ifindex);
    settings.forget(ifindex);
    disabler.forget(ifindex);
  };
  const addressAdded = (ifp: NetInterface, addr: InterfaceAddress): void => {
    dad.added(ifp, addr);
    lifetimes.track(ifp, addr);
  };

  const listeners: Disposer[] = [];
  listeners.push(
    stack.events.on(AddressEvents, (e) => {
      if (e.family !== 'ipv6') return;
      const ifp = stack.interfaces.get(e.ifindex);
      if (ifp === undefined) return;
      if (e.type === 'ADD') addressAdded(ifp, e.addr);
      else if (e.type === 'DELETE') {
        dad.removed(ifp, e.addr);
        lifetimes.untrack(e.addr);
        autoconf.removed(e.addr);
      } else lifetimes.track(ifp, e.addr);
    }),
    stack.events.on(InterfaceEvents, (e) => {
      if (e.type === 'DETACH') return dropInterface(e.ifindex);
      const ifp = stack.interfaces.get(e.ifindex);
      if (ifp === undefined) return;
      switch (e.type) {
        case 'ATTACH':
          if (runsNd(ifp)) mld.joinAllNodes(ifp);
          interfaceUp(ifp, false);
          return;
        case 'UP':
        case 'LINK_UP':
          if (ifp.isRunning) interfaceUp(ifp, true);
          return;
        case 'DOWN':
        case 'LINK_DOWN':
          if (!ifp.isRunning) interfaceDown(ifp);
          return;
        case 'LLADDR':
          linkChange.changed(ifp);
          return;
        default:
          return;
      }
    }),
  );

  // Interfaces and addresses that exist already (IPv6 loaded after them).
  stack.batch(() => {
    for (const ifp of stack.interfaces.list()) {
      if (runsNd(ifp)) mld.joinAllNodes(ifp);
      for (const addr of ifp.addresses) if (addr.address.family === 'ipv6') addressAdded(ifp, addr);
      interfaceUp(ifp, false);
    }
  });

  let disposed = false;
  return {
    resolver,
    input: (ifp, buf, type, hopLimit, routerAlert) => {
      if (disposed) {
        buf.release();
        return;
      }
      input.input(ifp, buf, type, hopLimit, routerAlert);
    },
    joinGroup: (ifp, group) => mld.join(ifp, group),
    leaveGroup: (ifp, group) => mld.leave(ifp, group),
    isMember: (ifindex, group, offset) => mld.isMember(ifindex, group, offset),
    hopLimit: (ifindex) => rt.params.peek(ifindex)?.curHopLimit ?? 0,
    linkMtu: (ifindex) => rt.params.peek(ifindex)?.linkMtu ?? 0,
    isDisabled: (ifindex) => disabled.has(ifindex),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      for (const off of listeners.splice(0)) off();
      routers.flush(undefined, 'flushed');
      prefixes.flush();
      redirects.flush();
      announcer.clear();
      dad.disposeAll();
      lifetimes.disposeAll();
      solicitor.disposeAll();
      routers.disposeAll();
      prefixes.disposeAll();
      redirects.disposeAll();
      neighbours.disposeAll();
      mld.disposeAll();
      autoconf.clear();
      rt.params.clear();
      settings.clear();
      disabled.clear();
      timers.disposeAll();
    },
  };
}
