// The host's UDP echo service (services.udpEcho) on the simulator under a manual clock: it answers
// IPv4 and IPv6 senders from their rinfo without formatting addresses, and a link-local sender
// through the interface its datagram came in on, even when another link has a node with the
// same link-local address.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '@stack/core';
import { SeededRandom, SimNetwork } from '@stack/sim';
import { createSocket, RemoteInfo, type UdpSocket } from '@stack/udp';
import { validateConfig } from '../src/config.js';
import { createHost, SimFabric, type Host } from '../src/compose.js';

function world() {
  const clock = new ManualClock();
  const net = new SimNetwork({ clock, seed: 5 });
  const fabric = new SimFabric(net);
  const random = new SeededRandom(13);
  const env = { clock, fabric, ndRandom: () => random.nextFloat() };
  const step = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 100) {
      net.run(100);
      await new Promise((r) => setImmediate(r));
    }
  };
  return { env, step };
}

const ipv6 = { acceptRa: false, interfaceIdentifier: 'eui64' };

/** A client socket and what came back to it, as "text from address:port" (formatted when read). */
function client(host: Host, type: 'udp4' | 'udp6'): { sock: UdpSocket; readonly got: string[] } {
  const sock = createSocket(host.stack, { type });
  const received: Array<[string, RemoteInfo]> = [];
  sock.on('message', (m, r) => received.push([new TextDecoder().decode(m), r]));
  return {
    sock,
    get got() {
      return received.map(([m, r]) => `${m} from ${r.address}:${r.port}`);
    },
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the UDP echo service', () => {
  it('answers IPv4, IPv6 and link-local senders on two links from rinfo, each through its own interface', async () => {
    const w = world();
    // The echo host sits on two links; on each, a peer with the same MAC, so the same link-local address.
    const echo = await createHost(validateConfig({
      interfaces: [
        { name: 'em0', sim: 'lan1', mac: '02:00:00:00:00:0a', addresses: ['192.0.2.1/24', '2001:db8:1::1/64'], ipv6 },
        { name: 'em1', sim: 'lan2', mac: '02:00:00:00:00:0c', addresses: ['198.51.100.1/24', '2001:db8:2::1/64'], ipv6 },
      ],
      services: { udpEcho: { port: 7 } },
    }), w.env);
    const peer = (lan: string, v4: string, v6: string) =>
      createHost(validateConfig({ interfaces: [{ name: 'em0', sim: lan, mac: '02:00:00:00:00:0b', addresses: [v4, v6], ipv6 }] }), w.env);
    const p1 = await peer('lan1', '192.0.2.2/24', '2001:db8:1::2/64');
    const p2 = await peer('lan2', '198.51.100.2/24', '2001:db8:2::2/64');
    await w.step(3000); // DAD
    expect(echo.services.udpEcho.map((s) => s.address().address).sort()).toEqual(['0.0.0.0', '::']);

    const formatted = vi.spyOn(RemoteInfo.prototype, 'address', 'get');
    const text = (t: string) => new TextEncoder().encode(t);
    const c4 = client(p1, 'udp4');
    const c6 = client(p1, 'udp6');
    const l1 = client(p1, 'udp6');
    const l2 = client(p2, 'udp6');
    expect(c4.sock.send(text('v4'), 7, '192.0.2.1')).toBeNull();
    expect(c6.sock.send(text('v6'), 7, '2001:db8:1::1')).toBeNull();
    // Both peers are fe80::ff:fe00:b%em0 to themselves; the echo host has one on em0, one on em1.
    expect(l1.sock.send(text('link 1'), 7, 'fe80::ff:fe00:a%em0')).toBeNull();
    expect(l2.sock.send(text('link 2'), 7, 'fe80::ff:fe00:c%em0')).toBeNull();
    expect(l1.sock.send(text('link 1 again'), 7, 'fe80::ff:fe00:a%em0')).toBeNull();
    await w.step(500);
    const reads = formatted.mock.calls.length;
    formatted.mockRestore();
    expect(reads).toBe(0); // the echo service never formatted a sender's address

    expect(c4.got).toEqual(['v4 from 192.0.2.1:7']);
    expect(c6.got).toEqual(['v6 from 2001:db8:1::1:7']);
    expect(l1.got).toEqual(['link 1 from fe80::ff:fe00:a%em0:7', 'link 1 again from fe80::ff:fe00:a%em0:7']);
    expect(l2.got).toEqual(['link 2 from fe80::ff:fe00:c%em0:7']);
    expect(echo.stack.counters.get('udp.out.sent')).toBe(5);
    expect(echo.stack.counters.get('udp.out.errors')).toBe(0);
    const em1 = echo.stack.interfaces.require('em1');
    expect(em1.counters.txPackets).toBeGreaterThan(0);
    await echo.close();
    await p1.close();
    await p2.close();
  });
});
