// ping with the usual statistics, on the stack's ICMP echo service and clock.
import { IcmpEchoService, parseIpAddress, type EchoEvent, type Stack, type Timer } from '@stack/core';

export interface PingOptions {
  readonly count?: number;
  /** Echo data bytes (default 56). */
  readonly size?: number;
  /** ms between requests (default 1000). */
  readonly interval?: number;
  /** ms to wait for the last reply (default 2000). */
  readonly timeout?: number;
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

/**
 * Ping `destination`; resolves with statistics once every reply arrived or the timeout passed.
 * Time comes from the stack's clock, so under a ManualClock the caller advances it.
 */
export function ping(stack: Stack, destination: string, options: PingOptions = {}): Promise<PingStatistics> {
  const echo = stack.services.get(IcmpEchoService, 'ipv4');
  const dst = parseIpAddress(destination);
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
  say(`PING ${destination} ${size}(${size + 28}) bytes of data.`);

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
        say(`${e.size + 8} bytes from ${e.from.toString()}: icmp_seq=${e.sequence} ttl=${e.ttl} time=${rtt.toFixed(3)} ms`);
      } else {
        errors++;
        say(`From ${e.from.toString()} icmp_seq=${e.sequence} ICMP type ${e.icmpType} code ${e.icmpCode}`);
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
        `--- ${destination} ping statistics ---`,
        `${transmitted} packets transmitted, ${received} received,${errors ? ` +${errors} errors,` : ''} ${Number(loss.toFixed(1))}% packet loss`,
        ...(received ? [`rtt min/avg/max/mdev = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)}/${mdev.toFixed(3)} ms`] : []),
      ];
      summary.forEach((l) => say(l));
      resolve({ transmitted, received, errors, lossPercent: loss, rttMin: min, rttAvg: avg, rttMax: max, rttMdev: mdev, summary });
    };
    const sendOne = (): void => {
      const seq = transmitted + 1;
      const err = stack.batch(() => echo.send({ destination: dst, identifier: id, sequence: seq, size }));
      transmitted++;
      if (err === null) sentAt.set(seq, clock.now());
      else say(`ping: sendmsg: ${err}`);
      if (transmitted < count) sendTimer!.start(interval);
      else doneTimer!.start(timeout);
    };
    sendTimer = clock.createTimer(sendOne);
    doneTimer = clock.createTimer(finish);
    sendOne();
  });
}
