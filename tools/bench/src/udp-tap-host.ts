// Fallback host for the TAP half of udp-echo-bench.ts, used when `stack-host run` (apps/host) does
// not start: the same composition (udp-compose.ts) on @stack/tap-driver with the UDP echo service,
// speaking the few stdin commands the benchmark uses (`stats`, `echo TEXT`) in the CLI's format.
//
//   node --conditions=@stack/source --import tsx tools/bench/src/udp-tap-host.ts <tap> <address/prefix> <port>
import { createInterface } from 'node:readline';
import { openTap } from '@stack/tap-driver';
import { composeBenchHost, tapPeerMac, udpEchoService } from './udp-compose.js';

async function main(): Promise<void> {
  const [tap, address, port] = process.argv.slice(2);
  if (!tap || !address || !port) throw new Error('usage: udp-tap-host.ts <tap> <address/prefix> <port>');
  const driver = await openTap({ name: tap });
  const hardwareAddress = driver.hardwareAddress ? tapPeerMac(driver.hardwareAddress) : undefined;
  const stack = composeBenchHost({ name: 'bench-host', driver, hardwareAddress, address });
  const echo = udpEchoService(stack, Number(port));
  const close = async (): Promise<void> => {
    echo.close();
    await stack.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void close());
  process.on('SIGINT', () => void close());
  createInterface({ input: process.stdin, terminal: false }).on('line', (line) => {
    const [cmd, ...rest] = line.trim().split(/\s+/);
    if (cmd === 'stats') {
      for (const c of stack.counters.list(rest[0])) if (c.value !== 0) console.log(`\t${c.value} ${c.name}`);
    } else if (cmd === 'echo') {
      console.log(rest.join(' '));
    }
  });
  console.log(`stack-host: running with em0 (udp-tap-host.ts fallback)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
