// The README's main demo: two hosts on a simulated switch, ping and UDP echo, told step by step,
// with a pcap file of everything host B's port saw. Needs no root and no network.
import { ManualClock, parseIpAddress } from '@stack/core';
import { PcapWriter, SimNetwork, type SimEndpoint } from '@stack/sim';
import { createSocket } from '@stack/udp';
import { validateConfig } from './config.js';
import { createHost, SimFabric } from './compose.js';
import { ping } from './ping.js';
import { arpTable, ifconfig, netstatS } from './views.js';

export interface DemoResult {
  readonly pingLoss: number;
  readonly udpEchoed: boolean;
  readonly pcapFrames: number;
}

/** Run the demo; `writePcap` receives the capture's bytes in chunks, `say` the narrative. */
export async function runDemo(say: (line: string) => void, writePcap: (chunk: Uint8Array) => void): Promise<DemoResult> {
  const clock = new ManualClock();
  const net = new SimNetwork({ clock, seed: 1 });
  const fabric = new SimFabric(net);
  const step = async (ms: number): Promise<void> => {
    net.run(ms);
    await new Promise((r) => setImmediate(r));
  };

  say('Two hosts, A (192.0.2.1) and B (192.0.2.2), are plugged into one simulated switch "lan".');
  say('Each is a complete @stack: fib + ether + arp + ipv4 + udp, composed by stack-host. A runs a UDP echo service on port 7.');
  const a = await createHost(validateConfig({
    interfaces: [{ name: 'em0', sim: 'lan', mac: '02:00:00:00:00:0a', addresses: ['192.0.2.1/24'] }],
    services: { udpEcho: { port: 7 } },
  }), { clock, fabric });
  const b = await createHost(validateConfig({
    interfaces: [{ name: 'em0', sim: 'lan', mac: '02:00:00:00:00:0b', addresses: ['192.0.2.2/24'] }],
  }), { clock, fabric });
  const pcap = new PcapWriter(writePcap);
  pcap.tap(b.stack.interfaces.require('em0').driver as SimEndpoint);

  say('');
  say('B pings A four times. The first request waits in B\'s ARP queue while B asks "who has 192.0.2.1?";');
  say('A answers with its MAC, learns B\'s on the way, and the queued echo request goes out.');
  const pinging = ping(b.stack, '192.0.2.1', { count: 4, interval: 1000, onLine: (l) => say(`  B$ ${l}`) });
  let stats: Awaited<typeof pinging> | null = null;
  void pinging.then((s) => (stats = s));
  for (let t = 0; t < 10_000 && stats === null; t += 100) await step(100);

  say('');
  say('B sends "hello, @stack" to A\'s UDP echo port and waits for it to come back.');
  const sock = createSocket(b.stack, { type: 'udp4' });
  let echoed = '';
  sock.on('message', (msg, rinfo) => {
    echoed = new TextDecoder().decode(msg);
    say(`  B received ${msg.length} bytes from ${rinfo.address}:${rinfo.port}: "${echoed}"`);
  });
  sock.send(new TextEncoder().encode('hello, @stack'), 7, parseIpAddress('192.0.2.1').toString());
  await step(100);
  sock.close();

  say('');
  say("B's neighbour cache (arp -a):");
  for (const l of arpTable(b.stack)) say(`  ${l}`);
  say("A's interfaces (ifconfig):");
  for (const l of ifconfig(a.stack)) say(`  ${l}`);
  say("A's protocol counters (netstat -s, non-zero):");
  for (const l of netstatS(a.stack, 'ipv4')) say(`  ${l}`);
  for (const l of netstatS(a.stack, 'udp')) say(`  ${l}`);

  await a.close();
  await b.close();
  return { pingLoss: stats === null ? 100 : (stats as { lossPercent: number }).lossPercent, udpEchoed: echoed === 'hello, @stack', pcapFrames: pcap.framesWritten };
}
