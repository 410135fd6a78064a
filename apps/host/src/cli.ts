#!/usr/bin/env node
// stack-host: run a host built from @stack packages, validate its configuration, or run the demo.
import { openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { LinkDriver } from '@stack/core';
import { parseConfig, ConfigError } from './config.js';
import { createHost } from './compose.js';
import { runDemo } from './demo.js';
import { ping } from './ping.js';
import { arpTable, ifconfig, netstatS, routeTable } from './views.js';

const USAGE = `usage:
  stack-host demo [--pcap FILE]     two simulated hosts: ping, UDP echo, a narrative and a pcap (default stack-demo.pcap)
  stack-host check CONFIG.json      validate a configuration file
  stack-host run CONFIG.json        run a host; type "help" for live views (ifconfig, arp, routes, stats, ping)`;

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
  return result.pingLoss === 0 && result.udpEchoed ? 0 : 1;
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
  if (host.capture) {
    const { captured, uncaptured } = host.capture;
    if (captured.length > 0) console.log(`stack-host: capturing ${captured.join(', ')} to ${config.pcap}`);
    if (uncaptured.length > 0) console.log(`stack-host: cannot capture ${uncaptured.join(', ')} (the driver does not support observe())`);
  }
  console.log(`stack-host: running with ${config.interfaces.map((i) => i.name).join(', ')}; type "help"`);
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
        return print(['ifconfig | arp | routes | stats [prefix] | ping ADDRESS [COUNT [SIZE]] | echo TEXT | quit']);
      case 'echo': // prints its text: scripts driving stdin use it to mark the end of a command's output
        return print([rest.join(' ')]);
      case 'ifconfig':
        return print(ifconfig(stack));
      case 'arp':
        return print(arpTable(stack));
      case 'routes':
        return print(routeTable(stack, Number(rest[0] ?? 0)));
      case 'stats':
        return print(netstatS(stack, rest[0]));
      case 'ping':
        void ping(stack, rest[0], { count: Number(rest[1] ?? 4), size: Number(rest[2] ?? 56), onLine: (l) => console.log(l) }).catch((e) =>
          console.log(`ping: ${e instanceof Error ? e.message : String(e)}`),
        );
        return;
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
