import {
  ConnectedRoutes,
  DemuxTable,
  followAddresses,
  IcmpEchoService,
  InterfaceEvents,
  LinkProtocols,
  NeighbourResolverService,
  NetworkProtocolService,
  PathMtuCache,
  randomFlowHashSeed,
  RouteTablesService,
  TokenBucket,
  type PacketBuffer,
  type StackModule,
  type UpperProtocolHandler,
} from '@stack/core';
import type { Ipv6Control } from './control-types.js';
import { EchoClient } from './echo-client.js';
import { Forwarder } from './forwarder.js';
import { FragmentIdentification } from './fragment-identification.js';
import { Fragmenter } from './fragmenter.js';
import { Icmpv6Errors } from './icmp-errors.js';
import { Icmpv6Input } from './icmp-input.js';
import { Ipv6Input } from './input.js';
import { createIpv6Counters } from './ipv6-counters.js';
import { Ipv6Protocol } from './ipv6-protocol.js';
import { KeyedHash } from './keyed-hash.js';
import { Ipv6ControlService, Ipv6InputHook, Ipv6OutputHook, Ipv6RouteHook } from './keys.js';
import { ETHERTYPE_IPV6 } from './link-output.js';
import { LinkScope } from './link-scope.js';
import { LocalAddresses } from './local-addresses.js';
import { resolveIpv6Options, type Ipv6ModuleOptions } from './module-options.js';
import { createNeighbourDiscovery } from './nd/index.js';
import { Ipv6NdHost } from './nd-host.js';
import { NdLink } from './nd-link.js';
import type { NdHost, NdParts } from './nd-seam.js';
import { OptionProcessor } from './option-processor.js';
import { Ipv6Output } from './output.js';
import { Reassembler, type ReassemblyEntry } from './reassembly.js';
import { RouteResolver } from './route-resolver.js';
import { SourceSelector } from './source-selection.js';
import { UpperLayerLocator } from './upper-layer.js';
import { ICMPV6_ERROR_MAX_QUOTE, Icmpv6TimeExceededCode, Icmpv6Type, IPV6_MIN_MTU, Ipv6NextHeader } from './wire/index.js';

/**
 * The IPv6 + ICMPv6 module (RFC 8200, RFC 4443) with neighbour discovery, DAD, SLAAC and MLD (RFC
 * 4861, RFC 4862, RFC 3810). Requires only the route tables; registers ethertype 0x86DD; provides
 * the `NetworkProtocolService`, `NeighbourResolverService` and `IcmpEchoService` variants `'ipv6'`
 * and {@link Ipv6ControlService}; declares the hook points `ipv6.input`, `ipv6.output` and
 * `ipv6.route`. Options are checked here, so a mistake is reported (naming the field) before the
 * module is loaded.
 * @public
 */
export function ipv6Module(options: Ipv6ModuleOptions = {}): StackModule {
  return composeIpv6Module(options, createNeighbourDiscovery);
}

/**
 * {@link ipv6Module} with another neighbour discovery behind the seam (tests use a fake one).
 * @internal
 */
export function composeIpv6Module<O>(options: Ipv6ModuleOptions, createNd: (host: NdHost, ndOptions: O) => NdParts): StackModule {
  const opts = resolveIpv6Options(options);
  return {
    name: 'ipv6',
    requires: [RouteTablesService],
    attach(ctx) {
      const stack = ctx.stack;
      const routes = ctx.use(RouteTablesService);
      const counters = createIpv6Counters(ctx);
      const release = (b: PacketBuffer): void => b.release();
      const inputSite = ctx.declareHookPoint(Ipv6InputHook, { release });
      const outputSite = ctx.declareHookPoint(Ipv6OutputHook, { release });
      const routeSite = ctx.declareHookPoint(Ipv6RouteHook, { release });
      let forwarding = opts.forwarding;
      const now = (): number => stack.clock.now();

      const nd = new NdLink();
      const locals = new LocalAddresses(stack.interfaces);
      // fe80::/10 is on every link: link-local destinations are sent with an explicit interface
      // (RFC 4007 §6) rather than routed, so link-local addresses get no connected route.
      const connected = new ConnectedRoutes(routes, stack.interfaces, opts.addAddrAllFibs, (addr) => addr.address.family === 'ipv6' && !addr.address.isLinkLocal());
      const scope = new LinkScope(stack.interfaces);
      // One ECMP flow-hash seed per stack (drawn at attach, not when the module object is made).
      const flowSeed = opts.flowHashSeed ?? randomFlowHashSeed();
      const resolver = new RouteResolver(stack, routes, locals, scope, nd, flowSeed, opts.maxHeaders);
      const selector = new SourceSelector(locals, stack.interfaces, now);
      const pmtu = new PathMtuCache({ addressLength: 16, maxEntries: opts.pmtuEntries, timeoutMs: opts.pmtuTimeoutMs, minMtu: IPV6_MIN_MTU, now });
      const hash = new KeyedHash();
      const output = new Ipv6Output(
        stack,
        resolver,
        locals,
        selector,
        pmtu,
        new Fragmenter(stack.pool, stack.pool.headroom),
        new FragmentIdentification(hash),
        hash,
        nd,
        counters,
        routeSite,
        outputSite,
        opts.defaultHopLimit,
      );
      const bucket = opts.rateLimit === null ? null : new TokenBucket(stack.clock, opts.rateLimit.perSecond, opts.rateLimit.burst);
      const errors = new Icmpv6Errors(output, locals, new UpperLayerLocator(opts.maxHeaders), counters, bucket);
      const uppers = new DemuxTable<UpperProtocolHandler>('ipv6.next-headers');

      // RFC 8200 §4.5: time exceeded code 1, quoting the offset-zero fragment, when reassembly gives up.
      const quote = new Uint8Array(ICMPV6_ERROR_MAX_QUOTE);
      const timedOut = (e: ReassemblyEntry): void => {
        const n = reassembler.firstFragmentQuote(e, quote, quote.length);
        errors.send(Icmpv6Type.TIME_EXCEEDED, Icmpv6TimeExceededCode.REASSEMBLY, 0, quote, 0, n, e.slot);
      };
      const reassembler = new Reassembler(
        {
          maxDatagrams: opts.maxDatagrams,
          maxBytes: opts.maxBytes,
          maxFragments: opts.maxFragments,
          timeoutMs: opts.timeoutMs,
          maxUnfragmentable: 40 + opts.maxHeaderBytes,
          headroom: stack.pool.headroom,
          counters: counters.reass,
        },
        stack.pool,
        now,
        (callback) => ctx.createTimer(callback),
        timedOut,
      );
      const forwarder = new Forwarder(resolver, output, errors, counters, routeSite);
      const input = new Ipv6Input(
        locals,
        nd,
        new OptionProcessor(errors, counters, opts.maxOptions),
        reassembler,
        new UpperLayerLocator(opts.maxHeaders),
        uppers,
        errors,
        forwarder,
        counters,
        inputSite,
        () => forwarding,
        { maxHeaders: opts.maxHeaders, maxHeaderBytes: opts.maxHeaderBytes },
      );
      const echo = new EchoClient(output, stack.clock, counters.icmpOut['echo-request']);
      const icmp = new Icmpv6Input(output, locals, selector, resolver, pmtu, uppers, new UpperLayerLocator(opts.maxHeaders), echo, nd, counters, opts.replyToMulticastEcho);
      ctx.track(uppers.register(Ipv6NextHeader.ICMPV6, icmp, ctx.name));
      const protocol = new Ipv6Protocol(stack, uppers, output, resolver, locals, selector, errors, new UpperLayerLocator(opts.maxHeaders), nd);

      const control: Ipv6Control = {
        get forwarding() {
          return forwarding;
        },
        set forwarding(on: boolean) {
          forwarding = on === true;
        },
        defaultHopLimit: opts.defaultHopLimit,
        reassemblyUsage: () => reassembler.store.usage(),
        pathMtus: () => pmtu.list(),
        flushPathMtus: () => pmtu.clear(),
      };

      ctx.onUnload(() => {
        reassembler.store.clear();
        connected.clear();
        locals.clear();
        pmtu.clear();
      });
      followAddresses(ctx, 'ipv6', [locals, connected]);
      ctx.on(InterfaceEvents, () => scope.invalidate());
      ctx.register(LinkProtocols, ETHERTYPE_IPV6, input.handler);

      const host = new Ipv6NdHost(ctx, stack, routes, () => forwarding, output, errors, counters);
      const parts = createNd(host, opts.nd as O);
      nd.parts = parts;
      ctx.onUnload(() => {
        nd.parts = null;
        parts.dispose();
      });

      ctx.provide(NetworkProtocolService, protocol, 'ipv6');
      ctx.provide(NeighbourResolverService, parts.resolver, 'ipv6');
      ctx.provide(IcmpEchoService, echo, 'ipv6');
      ctx.provide(Ipv6ControlService, control);
    },
  };
}
