// The README's main demo: two hosts on a simulated switch, ping and UDP echo over IPv4 and IPv6,
// told step by step, with a pcap file of everything host B's port saw. Needs no root and no network.
import { Ipv6Address, MacAddress, ManualClock, type StackEvent } from '@stack/core';
import { PcapWriter, SeededRandom, SimNetwork, type SimEndpoint } from '@stack/sim';
import { createSocket } from '@stack/udp';
import { validateConfig } from './config.js';
import { createHost, SimFabric, type Host } from './compose.js';
import { ping, type PingStatistics } from './ping.js';
import { arpTable, ifconfig, ndpTable, netstatS, routeTable } from './views.js';

export interface DemoResult {
  /** Loss of B's IPv4 ping of A, in percent. */
  readonly pingLoss: number;
  readonly udpEchoed: boolean;
  /** Loss of B's IPv6 pings of A's link-local and global addresses, in percent. */
  readonly ping6LinkLocalLoss: number;
  readonly ping6GlobalLoss: number;
  readonly udp6Echoed: boolean;
  /** Addresses that passed duplicate address detection, on both hosts. */
  readonly dadPassed: number;
  readonly pcapFrames: number;
}

/** The link-local address with the modified EUI-64 interface identifier of a MAC (RFC 4291 appendix A). */
function linkLocalOf(mac: string): string {
  const m = MacAddress.parse(mac).toBytes();
  return new Ipv6Address([0xfe, 0x80, 0, 0, 0, 0, 0, 0, m[0] ^ 0x02, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]]).toString();
}

/** Run the demo; `writePcap` receives the capture's bytes in chunks, `say` the narrative. */
export async function runDemo(say: (line: string) => void, writePcap: (chunk: Uint8Array) => void): Promise<DemoResult> {
  const clock = new ManualClock();
  const net = new SimNetwork({ clock, seed: 1 });
  const fabric = new SimFabric(net);
  const random = new SeededRandom(7);
  const ndRandom = (): number => random.nextFloat();
  const step = async (ms: number): Promise<void> => {
    net.run(ms);
    await new Promise((r) => setImmediate(r));
  };
  const until = async <T>(p: Promise<T>, maxMs: number): Promise<T | null> => {
    let done: T | null = null;
    void p.then((v) => (done = v));
    for (let t = 0; t < maxMs && done === null; t += 100) await step(100);
    return done;
  };

  const MAC_A = '02:00:00:00:00:0a';
  const MAC_B = '02:00:00:00:00:0b';
  const LL_A = linkLocalOf(MAC_A);
  const LL_B = linkLocalOf(MAC_B);
  say('Two hosts, A and B, are plugged into one simulated switch "lan":');
  say(`  A: 192.0.2.1/24, 2001:db8::1/64, and the link-local ${LL_A} (modified EUI-64 from its MAC ${MAC_A})`);
  say(`  B: 192.0.2.2/24, 2001:db8::2/64, and the link-local ${LL_B}`);
  say('Each is a complete @stack: fib + ether + arp + ipv4 + ipv6-nd + udp, composed by stack-host.');
  say('A runs a UDP echo service on port 7, bound to 0.0.0.0 and ::.');
  const ipv6 = { acceptRa: false, interfaceIdentifier: 'eui64', dadTransmits: 1 };
  const events: string[] = [];
  const listen = (name: string, host: Host): void => {
    host.stack.events.onAny((e: StackEvent & { address?: string }) => {
      if (e.system === 'ND' && e.type === 'ADDRESS_READY') events.push(`${name}: ${e.address} passed DAD and is ready`);
      if (e.system === 'ND' && e.type === 'DAD_CONFLICT') events.push(`${name}: ${e.address} is a DUPLICATE`);
    });
  };
  const a = await createHost(validateConfig({
    interfaces: [{ name: 'em0', sim: 'lan', mac: MAC_A, addresses: ['192.0.2.1/24', '2001:db8::1/64'], ipv6 }],
    services: { udpEcho: { port: 7 } },
  }), { clock, fabric, ndRandom });
  listen('A', a);
  const b = await createHost(validateConfig({
    interfaces: [{ name: 'em0', sim: 'lan', mac: MAC_B, addresses: ['192.0.2.2/24', '2001:db8::2/64'], ipv6 }],
  }), { clock, fabric, ndRandom });
  listen('B', b);
  const pcap = new PcapWriter(writePcap);
  pcap.tap(b.stack.interfaces.require('em0').driver as SimEndpoint);

  say('');
  say('IPv6 addresses start out tentative. For each one a host runs duplicate address detection (RFC 4862):');
  say('after a random delay of up to a second it joins the address\'s solicited-node multicast group (an MLDv2');
  say('report, RFC 3810) and sends a Neighbor Solicitation from the unspecified address :: to that group,');
  say('asking "is anyone using this address?". Nobody answers within a second, so the address becomes usable.');
  await step(3000);
  for (const e of events) say(`  ${e}`);
  const dadPassed = events.filter((e) => e.endsWith('ready')).length;

  say('');
  say('B pings A four times. The first request waits in B\'s ARP queue while B asks "who has 192.0.2.1?";');
  say('A answers with its MAC, learns B\'s on the way, and the queued echo request goes out.');
  const stats4 = await until(ping(b.stack, '192.0.2.1', { count: 4, interval: 1000, onLine: (l) => say(`  B$ ${l}`) }), 10_000);

  say('');
  say('B sends "hello, @stack" to A\'s UDP echo port and waits for it to come back.');
  const udpEchoed = await udpRoundTrip(b, 'udp4', '192.0.2.1', say, step);

  say('');
  say(`B pings A's link-local address ${LL_A}%em0 (the scope names B's interface). B does not know A's MAC`);
  say('for it, so neighbour discovery (RFC 4861) multicasts a Neighbor Solicitation to A\'s solicited-node');
  say('group; A answers with a Neighbor Advertisement carrying its MAC (and learns B\'s from the solicitation).');
  const stats6ll = await until(ping(b.stack, `${LL_A}%em0`, { count: 4, interval: 1000, onLine: (l) => say(`  B$ ${l}`) }), 10_000);

  say('');
  say('B pings A\'s global address 2001:db8::1: a second address, so a second solicitation and advertisement.');
  say('B sends from 2001:db8::2, the source address selection (RFC 6724) picks for a global destination.');
  const stats6 = await until(ping(b.stack, '2001:db8::1', { count: 4, interval: 1000, onLine: (l) => say(`  B$ ${l}`) }), 10_000);

  say('');
  say('B sends "hello, @stack" over UDP and IPv6 to [2001:db8::1]:7 and waits for the echo.');
  const udp6Echoed = await udpRoundTrip(b, 'udp6', '2001:db8::1', say, step);

  say('');
  say("B's neighbour caches (arp -a, ndp -a):");
  for (const l of arpTable(b.stack)) say(`  ${l}`);
  for (const l of ndpTable(b.stack)) say(`  ${l}`);
  say("A's interfaces (ifconfig):");
  for (const l of ifconfig(a.stack)) say(`  ${l}`);
  say("B's IPv6 routes (netstat -rn -f inet6):");
  for (const l of routeTable(b.stack, 0, ['ipv6'])) say(`  ${l}`);
  say("A's protocol counters (netstat -s, non-zero):");
  for (const prefix of ['ipv4', 'ipv6', 'icmp6', 'nd', 'mld', 'udp']) for (const l of netstatS(a.stack, prefix)) say(`  ${l}`);

  await a.close();
  await b.close();
  const loss = (s: PingStatistics | null): number => (s === null ? 100 : s.lossPercent);
  return {
    pingLoss: loss(stats4),
    udpEchoed,
    ping6LinkLocalLoss: loss(stats6ll),
    ping6GlobalLoss: loss(stats6),
    udp6Echoed,
    dadPassed,
    pcapFrames: pcap.framesWritten,
  };
}

/** B sends "hello, @stack" to port 7 of `address` and reports whether it came back intact. */
async function udpRoundTrip(b: Host, type: 'udp4' | 'udp6', address: string, say: (l: string) => void, step: (ms: number) => Promise<void>): Promise<boolean> {
  const sock = createSocket(b.stack, { type });
  let echoed = '';
  sock.on('message', (msg, rinfo) => {
    echoed = new TextDecoder().decode(msg);
    const from = rinfo.family === 'IPv6' ? `[${rinfo.address}]` : rinfo.address;
    say(`  B received ${msg.length} bytes from ${from}:${rinfo.port}: "${echoed}"`);
  });
  sock.send(new TextEncoder().encode('hello, @stack'), 7, address);
  for (let t = 0; t < 3000 && echoed === ''; t += 100) await step(100);
  sock.close();
  return echoed === 'hello, @stack';
}
