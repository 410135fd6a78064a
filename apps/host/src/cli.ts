#!/usr/bin/env node
// stack-host: run a host built from @stack packages, validate its configuration, or run the demo.
import { openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { LinkDriver } from '@stack/core';
import { parseConfig, ConfigError } from './config.js';
import { createHost } from './compose.js';
import { runDemo } from './demo.js';
import { igmpView, membershipCommand } from './multicast.js';
import { parsePingArgs, ping } from './ping.js';
import { arpTable, eventLine, ifconfig, ipv4ReassemblyUsage, ndpTable, netstatS, pathMtuView, routeTable } from './views.js';

const USAGE = `usage:
  stack-host demo [--pcap FILE]     two simulated hosts: ping (IPv4, IPv6), UDP echo, a narrative and a pcap (default stack-demo.pcap)
  stack-host check CONFIG.json      validate a configuration file
  stack-host run CONFIG.json        run a host; type "help" for live views (ifconfig, arp, ndp, routes, stats, ping)`;

const HELP = [
  'ifconfig                          interfaces, addresses (IPv6 ones with tentative/duplicated/autoconf), counters',
  'arp                               the IPv4 neighbour cache (arp -a)',
  'ndp [-a|-r|-p|-i]                 IPv6 neighbours (-a), default routers (-r), prefixes (-p), interface parameters and groups (-i)',
  'routes [-4|-6] [FIB]              forwarding table(s) (netstat -rn)',
  'stats [PREFIX]                    non-zero counters (netstat -s), e.g. stats ipv6.',
  'ping [-4|-6] [-c COUNT] [-s SIZE] [-i SECONDS] [-M do|dont] ADDRESS [COUNT [SIZE]]',
  '                                  echo requests with statistics; -M do: DF set, no fragmenting (path MTU discovery),',
  '                                  -M dont: fragment (default); a link-local ADDRESS takes its scope: fe80::1%em0',
  'ping6 ...                         ping -6',
  'pmtu [-4|-6] [ADDRESS] | pmtu flush  path MTUs learnt from ICMP (destination, mtu, expiry); the MTU towards ADDRESS now',
  'reass                             reassembly buffers in use, per family',
  'join GROUP IFNAME | leave GROUP IFNAME  join / leave a multicast group (IGMP or MLD reports it)',
  'igmp                              IGMP mode and parameters per interface, IPv4 groups joined',
  'memory                            this process\'s heap and resident size',
  'echo TEXT | quit',
  'Events (DAD conflicts, routers, prefixes, addresses ready) are printed as they happen: "event: ND em0 DAD_CONFLICT ..."',
];

async function openTap(name: string): Promise<LinkDriver> {
  const tap = await import('@stack/tap-driver').catch(() => null);
  if (!tap || !tap.isTapAvailable()) throw new Error(`TAP device "${name}": the @stack/tap-driver addon is not available (${tap?.tapUnavailableReason() ?? 'not installed'})`);
  return tap.openTap({ name });
}

async function demo(args: string[]): Promise<number> {
  const i = args.indexOf('--pcap');
  const file = i >= 0 ? args[i + 1] : 'stack-demo.pcap';
  const fd = openSync(file, 'w');
  const result = await runDemo((l) => console.log(l), (chunk) => writeSync(fd, chunk));
  closeSync(fd);
  console.log('');
  console.log(`Wrote ${result.pcapFrames} frames to ${file}: open it in Wireshark (or: tshark -r ${file}).`);
  const ok = result.pingLoss === 0 && result.udpEchoed && result.ping6LinkLocalLoss === 0 && result.ping6GlobalLoss === 0 && result.udp6Echoed;
  return ok ? 0 : 1;
}

async function run(file: string): Promise<number> {
  const config = parseConfig(readFileSync(file, 'utf8'));
  let pcapFd: number | null = null;
  const pcapSink = (pcapFile: string) => {
    const fd = openSync(pcapFile, 'w');
    pcapFd = fd;
    return (chunk: Uint8Array): void => {
      writeSync(fd, chunk);
    };
  };
  const host = await createHost(config, { openTap, pcapSink });
  const { stack } = host;
  // devd-style: neighbour discovery events (DAD conflicts, routers, prefixes, addresses ready) as they happen.
  stack.events.onAny((e) => {
    if (e.system === 'ND') console.log(`event: ${eventLine(e)}`);
  });
  const v6 = config.families.includes('ipv6') ? await import('./ipv6-support.js') : null;
  if (host.capture) {
    const { captured, uncaptured } = host.capture;
    if (captured.length > 0) console.log(`stack-host: capturing ${captured.join(', ')} to ${config.pcap}`);
    if (uncaptured.length > 0) console.log(`stack-host: cannot capture ${uncaptured.join(', ')} (the driver does not support observe())`);
  }
  console.log(`stack-host: running with ${config.interfaces.map((i) => i.name).join(', ')} (${config.families.join(', ')}); type "help"`);
  let closing = false;
  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    await host.close();
    if (pcapFd !== null) closeSync(pcapFd);
    process.exit(0);
  };
  process.on('SIGINT', () => void close());
  process.on('SIGTERM', () => void close());
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    const [cmd, ...rest] = line.trim().split(/\s+/);
    const print = (lines: string[]): void => lines.forEach((l) => console.log(l));
    switch (cmd) {
      case '':
        return;
      case 'help':
        return print(HELP);
      case 'echo': // prints its text: scripts driving stdin use it to mark the end of a command's output
        return print([rest.join(' ')]);
      case 'ifconfig':
        return print(ifconfig(stack));
      case 'arp':
        return print(arpTable(stack));
      case 'ndp': {
        const flag = rest[0] ?? '-a';
        if (flag === '-a') return print(ndpTable(stack));
        if (!v6 && ['-r', '-p', '-i'].includes(flag)) return print(['(IPv6 is not loaded)']);
        if (flag === '-r') return print(v6!.ndpRouters(stack));
        if (flag === '-p') return print(v6!.ndpPrefixes(stack));
        if (flag === '-i') return print(v6!.ndpInterfaces(stack));
        return print([`ndp: unknown option ${flag} (-a, -r, -p or -i)`]);
      }
      case 'routes': {
        const loaded = config.families;
        const family = rest[0] === '-4' ? 'ipv4' : rest[0] === '-6' ? 'ipv6' : undefined;
        const fib = Number((family ? rest[1] : rest[0]) ?? 0);
        return print(routeTable(stack, fib, family ? [family] : loaded));
      }
      case 'stats':
        return print(netstatS(stack, rest[0]));
      case 'join':
      case 'leave':
        return print(membershipCommand(stack, cmd, rest));
      case 'igmp':
        return print(igmpView(stack));
      case 'reass':
        return print([...ipv4ReassemblyUsage(stack), ...(v6?.ipv6ReassemblyUsage(stack) ?? [])]);
      case 'memory': {
        const m = process.memoryUsage();
        return print([`heapUsed ${m.heapUsed} heapTotal ${m.heapTotal} external ${m.external} arrayBuffers ${m.arrayBuffers} rss ${m.rss}`]);
      }
      case 'pmtu':
        return print(pathMtuView(stack, rest, v6?.ipv6PathMtus));
      case 'ping':
      case 'ping6': {
        let parsed;
        try {
          parsed = parsePingArgs(rest, cmd === 'ping6' ? 'ipv6' : undefined);
        } catch (e) {
          return print([`ping: ${e instanceof Error ? e.message : String(e)}`]);
        }
        void ping(stack, parsed.destination, { ...parsed.options, onLine: (l) => console.log(l) }).catch((e) =>
          console.log(`ping: ${e instanceof Error ? e.message : String(e)}`),
        );
        return;
      }
      case 'quit':
      case 'exit':
        void close();
        return;
      default:
        console.log(`unknown command "${cmd}"; type "help"`);
    }
  });
  rl.on('close', () => {
    if (!process.stdin.isTTY) return; // keep running as a daemon when stdin is not a terminal
    void close();
  });
  return new Promise(() => {});
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  try {
    switch (cmd) {
      case 'demo':
        return await demo(args);
      case 'check':
        if (!args[0]) break;
        parseConfig(readFileSync(args[0], 'utf8'));
        console.log(`${args[0]}: ok`);
        return 0;
      case 'run':
        if (!args[0]) break;
        return await run(args[0]);
    }
  } catch (e) {
    console.error(e instanceof ConfigError ? `${args[0] ?? 'config'}: ${e.message}` : `stack-host: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
