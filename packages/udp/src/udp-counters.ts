import type { ModuleContext } from '@stack/core';

const IN = ['received', 'delivered', 'truncated', 'bad-length', 'bad-checksum', 'missing-checksum', 'no-port', 'queue-full', 'icmp-errors'] as const;
const OUT = ['sent', 'errors'] as const;

/** The module's counters (`netstat -s` style), removed on unload. @internal */
export function createUdpCounters(ctx: ModuleContext) {
  return {
    in: ctx.counters('udp.in', IN, {
      received: 'datagrams handed to UDP by a network protocol',
      'no-port': 'datagrams for a port nobody is bound to (answered: port unreachable)',
      'missing-checksum': 'zero checksum over IPv6 (RFC 8200 §8.1)',
      'queue-full': 'datagrams dropped because an async iterator queue was full',
      'icmp-errors': 'ICMP errors delivered to connected sockets',
    }),
    out: ctx.counters('udp.out', OUT),
  };
}

/** @internal */
export type UdpCounters = ReturnType<typeof createUdpCounters>;
