// ping with the usual statistics, on the stack's ICMP echo service (keyed by family) and clock.
import { AddressFlags, IcmpEchoService, NetworkProtocolService, parseIpAddress, type AddressFamily, type EchoEvent, type IpAddress, type Stack, type Timer } from '@stack/core';

/**
 * Path MTU discovery mode of `ping -M`, as Linux's ping names it: `'do'` prohibits fragmentation
 * (IPv4 requests carry DF, RFC 791 §3.1, so a router on a narrower link answers "fragmentation
 * needed", RFC 1191; IPv6 requests are not fragmented locally either) and a request larger than
 * the path MTU known now fails locally with "message too long, mtu=N"; `'dont'` (the default)
 * sends without DF and fragments a large request to the path MTU.
 */
export type PmtuMode = 'do' | 'dont';

export interface PingOptions {
  readonly count?: number;
  /** Echo data bytes (default 56). */
  readonly size?: number;
  /** ms between requests (default 1000). */
  readonly interval?: number;
  /** ms to wait for the last reply (default 2000). */
  readonly timeout?: number;
  /** `ping -4` / `ping -6`: the destination must be of this family. */
  readonly family?: AddressFamily;
  /** `ping -M do|dont` (default `'dont'`). */
  readonly pmtu?: PmtuMode;
  readonly onLine?: (line: string) => void;
}

export interface PingStatistics {
  readonly transmitted: number;
  readonly received: number;
  readonly errors: number;
  readonly lossPercent: number;
  readonly rttMin: number;
  readonly rttAvg: number;
  readonly rttMax: number;
  readonly rttMdev: number;
  /** The iputils-style summary lines. */
  readonly summary: string[];
}

/** A destination as ping understands it: an address, and for a link-local IPv6 one, its interface. */
export interface PingTarget {
  readonly address: IpAddress;
  /** The scope (`%em0`) of a link-local destination. */
  readonly ifindex?: number;
  /** The text to print: `fe80::1%em0`, `2001:db8::1`, `192.0.2.1`. */
  readonly display: string;
  /** Our address on the scope's interface that the request leaves from (link-local destinations). */
  readonly source?: IpAddress;
}

/**
 * Parse `destination` (`192.0.2.1`, `2001:db8::1`, `fe80::1%em0`). A link-local IPv6 destination
 * needs its interface (`%em0`) unless the stack has only one interface besides loopback. Throws an
 * Error with a ping-style message when the text is wrong.
 */
export function pingTarget(stack: Stack, destination: string, family?: AddressFamily): PingTarget {
  const pct = destination.indexOf('%');
  const text = pct >= 0 ? destination.slice(0, pct) : destination;
  let address: IpAddress;
  try {
    address = parseIpAddress(text);
  } catch (e) {
    throw new Error(`${destination}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (family !== undefined && address.family !== family) {
    throw new Error(`${destination}: not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address (ping -${family === 'ipv4' ? '4' : '6'})`);
  }
  const scoped = address.family === 'ipv6' && (address.isLinkLocal() || address.multicastScope() === 2);
  if (pct >= 0 && !scoped) throw new Error(`${destination}: a scope (%interface) only goes with a link-local address`);
  if (!scoped) return { address, display: address.toString() };
  let ifp;
  if (pct >= 0) {
    const zone = destination.slice(pct + 1);
    ifp = stack.interfaces.list().find((i) => i.name === zone || String(i.index) === zone);
    if (!ifp) throw new Error(`${destination}: no interface "${zone}"`);
  } else {
    const candidates = stack.interfaces.list().filter((i) => i !== stack.loopback);
    if (candidates.length !== 1) throw new Error(`${destination}: a link-local destination needs its interface, e.g. ${text}%${candidates[0]?.name ?? 'em0'}`);
    ifp = candidates[0];
  }
  const source = ifp.addressesOf('ipv6').find((a) => a.address.family === 'ipv6' && a.address.isLinkLocal() && (a.flags & (AddressFlags.TENTATIVE | AddressFlags.DUPLICATED)) === 0);
  if (!source) throw new Error(`${destination}: ${ifp.name} has no usable link-local address (yet)`);
  return { address, ifindex: ifp.index, display: `${address.toString()}%${ifp.name}`, source: source.address };
}

/** How an echo reply's source is printed: link-local ones with the scope of the request. */
function fromText(from: IpAddress, target: PingTarget, stack: Stack): string {
  if (from.family === 'ipv6' && from.isLinkLocal() && target.ifindex !== undefined) {
    return `${from.toString()}%${stack.interfaces.get(target.ifindex)?.name ?? target.ifindex}`;
  }
  return from.toString();
}

const ICMP6_ERRORS: Record<number, string> = { 1: 'Destination unreachable', 2: 'Packet too big', 3: 'Time exceeded', 4: 'Parameter problem' };
const ICMP4_ERRORS: Record<number, string> = { 3: 'Destination unreachable', 11: 'Time exceeded', 12: 'Parameter problem' };

/** Largest echo data per family: 65535 − IP header (20; IPv6's 40 is not in its payload length) − ICMP header (8). */
const MAX_SIZE: Record<AddressFamily, number> = { ipv4: 65507, ipv6: 65527 };

/** What the `ping` command line asked for. */
export interface PingCommand {
  readonly destination: string;
  readonly options: Pick<PingOptions, 'count' | 'size' | 'interval' | 'family' | 'pmtu'>;
}

/**
 * Parse the arguments of the `ping` / `ping6` command: `[-4|-6] [-c COUNT] [-s SIZE] [-i SECONDS]
 * [-M do|dont] ADDRESS [COUNT [SIZE]]` (options as Linux's ping takes them; the positional COUNT
 * and SIZE are this CLI's older form). Throws an Error naming the option or field that is wrong.
 */
export function parsePingArgs(args: readonly string[], family?: AddressFamily): PingCommand {
  const options: { -readonly [K in keyof PingCommand['options']]: PingCommand['options'][K] } = { family };
  const positional: string[] = [];
  const integer = (field: string, text: string | undefined, min: number, max: number): number => {
    if (text === undefined) throw new Error(`${field}: needs a value`);
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) throw new Error(`${field}: expected an integer in ${min}..${max}, got "${text}"`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    switch (a) {
      case '-4':
      case '-6':
        options.family = a === '-4' ? 'ipv4' : 'ipv6';
        break;
      case '-c':
        options.count = integer('-c (count)', args[++i], 1, 100_000);
        break;
      case '-s':
        options.size = integer('-s (size)', args[++i], 0, MAX_SIZE.ipv6);
        break;
      case '-i': {
        const text = args[++i];
        const seconds = Number(text);
        if (text === undefined || !/^\d*\.?\d+$/.test(text) || seconds < 0.01 || seconds > 3600) throw new Error(`-i (interval): expected seconds in 0.01..3600, got "${text ?? ''}"`);
        options.interval = Math.round(seconds * 1000);
        break;
      }
      case '-M': {
        const mode = args[++i];
        if (mode !== 'do' && mode !== 'dont') throw new Error(`-M (pmtu discovery): expected "do" or "dont", got "${mode ?? ''}"`);
        options.pmtu = mode;
        break;
      }
      default:
        if (a.startsWith('-') && a.length > 1) throw new Error(`${a}: unknown option (-4, -6, -c COUNT, -s SIZE, -i SECONDS, -M do|dont)`);
        positional.push(a);
    }
  }
  if (positional.length === 0) throw new Error('destination: missing (ping [-4|-6] [-c COUNT] [-s SIZE] [-i SECONDS] [-M do|dont] ADDRESS)');
  if (positional.length > 3) throw new Error(`${positional[3]}: unexpected argument`);
  if (positional[1] !== undefined) options.count = integer('count', positional[1], 1, 100_000);
  if (positional[2] !== undefined) options.size = integer('size', positional[2], 0, MAX_SIZE.ipv6);
  return { destination: positional[0], options };
}

/**
 * Ping `destination`; resolves with statistics once every reply arrived or the timeout passed.
 * The family comes from the destination (or `options.family`): ICMP echo for IPv4, ICMPv6 echo for
 * IPv6, each through the {@link IcmpEchoService} of that family. Time comes from the stack's
 * clock, so under a ManualClock the caller advances it. Rejects when the destination is wrong or
 * its family is not loaded.
 */
export function ping(stack: Stack, destination: string, options: PingOptions = {}): Promise<PingStatistics> {
  let target: PingTarget;
  try {
    target = pingTarget(stack, destination, options.family);
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
  const family = target.address.family;
  const echo = stack.services.tryGet(IcmpEchoService, family);
  if (!echo) return Promise.reject(new Error(`${family === 'ipv4' ? 'IPv4' : 'IPv6'} is not loaded in this stack`));
  const dst = target.address;
  const count = options.count ?? 4;
  const size = options.size ?? 56;
  const interval = options.interval ?? 1000;
  const timeout = options.timeout ?? 2000;
  const say = options.onLine ?? (() => {});
  const id = echo.allocateIdentifier();
  const sentAt = new Map<number, number>();
  const rtts: number[] = [];
  let transmitted = 0;
  let errors = 0;
  const clock = stack.clock;
  const headers = family === 'ipv4' ? 28 : 48;
  if (size > MAX_SIZE[family]) return Promise.reject(new Error(`-s (size): at most ${MAX_SIZE[family]} bytes over ${family === 'ipv4' ? 'IPv4' : 'IPv6'}, got ${size}`));
  const dontFragment = options.pmtu === 'do';
  const net = stack.services.tryGet(NetworkProtocolService, family);
  say(`PING ${target.display} ${size}(${size + headers}) bytes of data.`);

  return new Promise((resolve) => {
    let sendTimer: Timer | null = null;
    let doneTimer: Timer | null = null;
    const stop = echo.listen(id, (e: EchoEvent) => {
      if (e.type === 'reply') {
        const t0 = sentAt.get(e.sequence);
        if (t0 === undefined) return;
        sentAt.delete(e.sequence);
        const rtt = e.receivedAt - t0;
        rtts.push(rtt);
        say(`${e.size + 8} bytes from ${fromText(e.from, target, stack)}: icmp_seq=${e.sequence} ttl=${e.ttl} time=${rtt.toFixed(3)} ms`);
      } else {
        // An error answers its request (no reply will come for it).
        if (!sentAt.delete(e.sequence)) return;
        errors++;
        const name = (family === 'ipv4' ? ICMP4_ERRORS : ICMP6_ERRORS)[e.icmpType] ?? 'ICMP error';
        // Fragmentation needed (RFC 1191) / packet too big (RFC 8201): the stack has lowered its
        // path MTU to what the router reported; show the estimate it holds now.
        const tooBig = family === 'ipv4' ? e.icmpType === 3 && e.icmpCode === 4 : e.icmpType === 2;
        const mtu = tooBig && net ? `, path mtu now ${net.pathMtu(dst, target.ifindex)}` : '';
        say(`From ${fromText(e.from, target, stack)} icmp_seq=${e.sequence} ${tooBig && family === 'ipv4' ? 'Fragmentation needed' : name} (type ${e.icmpType} code ${e.icmpCode})${mtu}`);
      }
      if (transmitted === count && sentAt.size === 0) finish();
    });
    const finish = (): void => {
      sendTimer?.dispose();
      doneTimer?.dispose();
      stop();
      const received = rtts.length;
      const min = received ? Math.min(...rtts) : 0;
      const max = received ? Math.max(...rtts) : 0;
      const avg = received ? rtts.reduce((a, b) => a + b, 0) / received : 0;
      const mdev = received ? Math.sqrt(rtts.reduce((a, b) => a + (b - avg) ** 2, 0) / received) : 0;
      const loss = transmitted ? ((transmitted - received) * 100) / transmitted : 0;
      const summary = [
        `--- ${target.display} ping statistics ---`,
        `${transmitted} packets transmitted, ${received} received,${errors ? ` +${errors} errors,` : ''} ${Number(loss.toFixed(1))}% packet loss`,
        ...(received ? [`rtt min/avg/max/mdev = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)}/${mdev.toFixed(3)} ms`] : []),
      ];
      summary.forEach((l) => say(l));
      resolve({ transmitted, received, errors, lossPercent: loss, rttMin: min, rttAvg: avg, rttMax: max, rttMdev: mdev, summary });
    };
    const sendOne = (): void => {
      const seq = transmitted + 1;
      // A link-local destination leaves through its scope's interface, from our link-local address there.
      const err = stack.batch(() => echo.send({ destination: dst, identifier: id, sequence: seq, size, source: target.source, ifindex: target.ifindex, dontFragment }));
      transmitted++;
      if (err === null) sentAt.set(seq, clock.now());
      else {
        errors++;
        // With -M do, a request above the path MTU the stack knows is refused before it leaves.
        if (err === 'message-too-long' && dontFragment && net) say(`ping: local error: message too long, mtu=${net.pathMtu(dst, target.ifindex)}`);
        else say(`ping: sendmsg: ${err}`);
      }
      if (transmitted < count) sendTimer!.start(interval);
      else if (sentAt.size === 0) finish(); // nothing to wait for
      else doneTimer!.start(timeout);
    };
    sendTimer = clock.createTimer(sendOne);
    doneTimer = clock.createTimer(finish);
    sendOne();
  });
}
