import {
  ConnectedRoutes,
  followAddresses,
  IcmpEchoService,
  DemuxTable,
  LinkProtocols,
  NetworkProtocolService,
  PathMtuCache,
  randomFlowHashSeed,
  RouteTablesService,
  TokenBucket,
  type PacketBuffer,
  type StackModule,
  type UpperProtocolHandler,
} from '@stack/core';
import type { Ipv4Control } from './control-types.js';
import { EchoClient } from './echo-client.js';
import { attachMulticast } from './igmp/index.js';
import { Forwarder } from './forwarder.js';
import { Fragmenter } from './fragmenter.js';
import { IcmpErrors } from './icmp-errors.js';
import { IcmpInput } from './icmp-input.js';
import { Ipv4Input } from './input.js';
import { createIpv4Counters } from './ipv4-counters.js';
import { Ipv4Protocol } from './ipv4-protocol.js';
import { Ipv4ControlService, Ipv4InputHook, Ipv4OutputHook, Ipv4RouteHook } from './keys.js';
import { ETHERTYPE_IPV4 } from './link-output.js';
import { LocalAddresses } from './local-addresses.js';
import { MulticastGroups } from './multicast-groups.js';
import { resolveIpv4Options, type Ipv4ModuleOptions } from './options.js';
import { Ipv4Output } from './output.js';
import { Ipv4PathMtuDiscovery } from './path-mtu.js';
import { Reassembler, type ReassemblyEntry } from './reassembly.js';
import { RouteResolver } from './route-resolver.js';
import { Icmpv4TimeExceededCode, Icmpv4Type, IpProtocol } from './wire/index.js';

/**
 * The IPv4 + ICMPv4 module (RFC 791, RFC 792, RFC 1122). Requires the route tables; registers
 * ethertype 0x0800; provides the {@link @stack/core#NetworkProtocolService} variant `'ipv4'`,
 * {@link IcmpEchoService} variant `'ipv4'` and {@link Ipv4ControlService}; declares the hook
 * points `ipv4.input`, `ipv4.output` and `ipv4.route`. Options are checked here, so a mistake is
 * reported before the module is loaded.
 * @public
 */
export function ipv4Module(options: Ipv4ModuleOptions = {}): StackModule {
  const opts = resolveIpv4Options(options);
  return {
    name: 'ipv4',
    requires: [RouteTablesService],
    attach(ctx) {
      const stack = ctx.stack;
      const routes = ctx.use(RouteTablesService);
      const counters = createIpv4Counters(ctx);
      const release = (b: PacketBuffer): void => b.release();
      const inputSite = ctx.declareHookPoint(Ipv4InputHook, { release });
      const outputSite = ctx.declareHookPoint(Ipv4OutputHook, { release });
      const routeSite = ctx.declareHookPoint(Ipv4RouteHook, { release });
      let forwarding = opts.forwarding;

      const locals = new LocalAddresses(stack.interfaces);
      const connected = new ConnectedRoutes(routes, stack.interfaces, opts.addAddrAllFibs, (addr) => addr.family === 'ipv4');
      const groups = new MulticastGroups(stack);
      // One seed per stack (drawn at attach, not when the module object is made).
      const flowSeed = opts.flowHashSeed ?? randomFlowHashSeed();
      const resolver = new RouteResolver(stack, routes, locals, flowSeed);
      const fragmenter = new Fragmenter(stack.pool, stack.pool.headroom);
      const now = (): number => stack.clock.now();
      const pmtu = new PathMtuCache({ addressLength: 4, maxEntries: opts.pmtuEntries, timeoutMs: opts.pmtuTimeoutMs, minMtu: opts.pmtuMinMtu, now });
      const output = new Ipv4Output(stack, resolver, locals, pmtu, fragmenter, counters, routeSite, outputSite, opts.defaultTtl);
      const bucket = opts.rateLimit === null ? null : new TokenBucket(stack.clock, opts.rateLimit.perSecond, opts.rateLimit.burst);
      const errors = new IcmpErrors(stack, output, locals, counters, bucket);
      const uppers = new DemuxTable<UpperProtocolHandler>('ipv4.protocols');

      // RFC 792 / RFC 1122 §3.3.2: time exceeded (reassembly) quoting fragment zero's header + 8 bytes.
      const quote = new Uint8Array(68);
      const timedOut = (e: ReassemblyEntry): void => {
        quote.set(e.header.subarray(0, e.headerLength));
        const n = reassembler.firstBytes(e, quote, e.headerLength, 8);
        errors.send(Icmpv4Type.TIME_EXCEEDED, Icmpv4TimeExceededCode.REASSEMBLY_TIME_EXCEEDED, 0, quote, 0, e.headerLength + n, e.slot);
      };
      const reassembler = new Reassembler(
        { ...opts, headroom: stack.pool.headroom, counters: counters.reass },
        stack.pool,
        () => stack.clock.now(),
        (callback) => ctx.createTimer(callback),
        timedOut,
      );
      const forwarder = new Forwarder(stack, resolver, output, errors, counters, routeSite);
      const input = new Ipv4Input(locals, groups, reassembler, uppers, errors, forwarder, counters, inputSite, () => forwarding);
      const echo = new EchoClient(output, stack.clock, counters.icmpOut['echo-request']);
      const discovery = new Ipv4PathMtuDiscovery(stack, pmtu, output, resolver, locals, counters);
      const icmp = new IcmpInput(output, locals, uppers, echo, counters, opts.replyToBroadcastEcho, discovery);
      ctx.track(uppers.register(IpProtocol.ICMP, icmp, ctx.name));
      const multicast = attachMulticast(ctx, opts.igmp, { groups, output, uppers, originated: counters.out.requests });

      const protocol = new Ipv4Protocol(stack, uppers, output, resolver, locals, groups, errors);
      const control: Ipv4Control = {
        get forwarding() {
          return forwarding;
        },
        set forwarding(on: boolean) {
          forwarding = on;
        },
        defaultTtl: opts.defaultTtl,
        reassemblyUsage: () => reassembler.store.usage(),
        multicast: () => multicast.list(),
        pathMtus: () => pmtu.list(),
        flushPathMtus: () => pmtu.clear(),
      };

      ctx.onUnload(() => {
        reassembler.store.clear();
        connected.clear();
        groups.clear();
        locals.clear();
        pmtu.clear();
      });
      followAddresses(ctx, 'ipv4', [locals, connected]);
      ctx.register(LinkProtocols, ETHERTYPE_IPV4, input.handler);
      ctx.provide(NetworkProtocolService, protocol, 'ipv4');
      ctx.provide(IcmpEchoService, echo, 'ipv4');
      ctx.provide(Ipv4ControlService, control);
    },
  };
}
