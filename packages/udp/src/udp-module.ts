import { ModuleEvents, TransportService, type StackModule } from '@stack/core';
import { UdpSocketsService } from './keys.js';
import { createUdpCounters } from './udp-counters.js';
import { UdpTransport } from './udp-transport.js';

/**
 * Options of {@link udpModule}.
 * @public
 */
export interface UdpModuleOptions {
  /** Default receive queue of async iteration, per socket. Default 256. */
  readonly receiveQueueLimit?: number;
}

/**
 * The UDP module (RFC 768): provides the {@link @stack/core#TransportService} variant `'udp'` and
 * registers protocol 17 with every network protocol loaded, now or later (it re-checks on every
 * module load and unload), so sockets of either family work once that family is present.
 * @public
 */
export function udpModule(options: UdpModuleOptions = {}): StackModule {
  const limit = options.receiveQueueLimit ?? 256;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`udpModule: receiveQueueLimit must be an integer >= 1, got ${String(limit)}`);
  return {
    name: 'udp',
    attach(ctx) {
      const transport = new UdpTransport(ctx.stack, createUdpCounters(ctx), limit, ctx.name);
      ctx.onUnload(() => transport.shutdown());
      transport.sync();
      ctx.on(ModuleEvents, () => transport.sync());
      ctx.provide(TransportService, transport, 'udp');
      ctx.provide(UdpSocketsService, transport);
    },
  };
}
