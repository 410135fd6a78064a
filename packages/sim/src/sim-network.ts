import { ManualClock, type Clock } from '@stack/core';
import { Carrier } from './carrier.js';
import { Channel, type FrameTarget } from './channel.js';
import { FrameScheduler, type ZeroDelayDelivery } from './frame-scheduler.js';
import type { Impairment } from './impairment.js';
import { simulatorMac } from './mac.js';
import { SeededRandom } from './seeded-random.js';
import { SimDevice } from './sim-device.js';
import type { SimEndpoint } from './sim-endpoint.js';
import type { SimFabric } from './sim-fabric.js';
import { LearningSwitch } from './learning-switch.js';
import type { SimSwitch, SwitchOptions } from './sim-switch.js';

/** Seed used when none is given, so runs are reproducible by default. */
const DEFAULT_SEED = 0x5eed_2024;

/**
 * Options for {@link SimNetwork}.
 * @public
 */
export interface SimNetworkOptions {
  /** The clock every delivery is scheduled on; give the stacks the same one. Default: a new ManualClock at 0. */
  clock?: Clock;
  /** Seed of every impairment generator (each direction derives its own stream). Default fixed. */
  seed?: number;
  /** How zero-delay frames are delivered. Default `'timer'` with a ManualClock, else `'microtask'`. */
  zeroDelay?: ZeroDelayDelivery;
  /** Consecutive microtask rounds before yielding to the host through one timer round. Default 64. */
  maxMicrotaskRounds?: number;
}

/**
 * Options for {@link SimNetwork.linkPair}.
 * @public
 */
export interface LinkPairOptions {
  /** MTU of both ends. Default 1500. */
  mtu?: number;
  /** MAC of the first end. Default: the network's next 02:00:... address. */
  macA?: Uint8Array;
  /** MAC of the second end. Default: the network's next 02:00:... address. */
  macB?: Uint8Array;
  /** Device names. Default `sim0`, `sim1`, ... */
  nameA?: string;
  /** Device names. Default `sim0`, `sim1`, ... */
  nameB?: string;
  /** Whether the cable starts plugged in. Default true. */
  up?: boolean;
  /** Impairment for both directions, unless overridden below. */
  impairment?: Impairment;
  /** Impairment of frames from the first end to the second. */
  aToB?: Impairment;
  /** Impairment of frames from the second end to the first. */
  bToA?: Impairment;
}

/**
 * One simulated network: a clock, a seed and a frame scheduler shared by the cables and switches
 * it creates. With a ManualClock everything is deterministic: the same seed and the same inputs
 * give the same deliveries at the same times.
 *
 * Frames are never delivered inside the sender's call: even with zero delay they wait for the
 * scheduler (see {@link ZeroDelayDelivery}), so a reply sent from a receive callback cannot grow
 * the stack.
 * @public
 */
export class SimNetwork {
  /** The clock deliveries are scheduled on. */
  readonly clock: Clock;
  /** The network seed. */
  readonly seed: number;
  private readonly scheduler: FrameScheduler;
  private readonly zeroDelay: ZeroDelayDelivery;
  private readonly fabric: SimFabric;
  private macCount = 0;
  private channelCount = 0;
  private readonly nameCounts = new Map<string, number>();

  /** @param options - see {@link SimNetworkOptions} */
  constructor(options: SimNetworkOptions = {}) {
    this.clock = options.clock ?? new ManualClock();
    this.seed = (options.seed ?? DEFAULT_SEED) >>> 0;
    this.zeroDelay = options.zeroDelay ?? (this.clock instanceof ManualClock ? 'timer' : 'microtask');
    this.scheduler = new FrameScheduler(this.clock, this.zeroDelay, options.maxMicrotaskRounds ?? 64);
    this.fabric = {
      clock: this.clock,
      scheduler: this.scheduler,
      createChannel: (target, impairment) => this.createChannel(target, impairment),
      nextMac: () => simulatorMac(++this.macCount),
      nextName: (prefix) => this.nextName(prefix),
    };
  }

  /** Frames in flight (scheduled, not yet delivered). */
  get inFlight(): number {
    return this.scheduler.inFlight;
  }

  /**
   * A point-to-point cable: two devices, each the other's only neighbour. Frames sent on one are
   * delivered to the other after that direction's impairment. `setLinkUp` on either end
   * plugs or unplugs the cable for both.
   */
  linkPair(options: LinkPairOptions = {}): [SimEndpoint, SimEndpoint] {
    const carrier = new Carrier(options.up ?? true);
    const mtu = options.mtu ?? 1500;
    const a = new SimDevice(this.fabric, {
      name: options.nameA ?? this.nextName('sim'),
      mtu,
      mac: options.macA ?? this.fabric.nextMac(),
      carrier,
    });
    const b = new SimDevice(this.fabric, {
      name: options.nameB ?? this.nextName('sim'),
      mtu,
      mac: options.macB ?? this.fabric.nextMac(),
      carrier,
    });
    const aToB = this.createChannel(b, options.aToB ?? options.impairment);
    const bToA = this.createChannel(a, options.bToA ?? options.impairment);
    a.connect(aToB, bToA);
    b.connect(bToA, aToB);
    return [a, b];
  }

  /** A learning switch; add ports with {@link SimSwitch.port}. */
  switch(options: SwitchOptions = {}): SimSwitch {
    return new LearningSwitch(this.fabric, options);
  }

  /** ManualClock only: advance time by `ms`, delivering everything that falls due on the way. */
  run(ms: number): void {
    this.manualClock('run').advance(ms);
  }

  /**
   * ManualClock only: advance time from delivery to delivery until no frame is in flight (replies
   * included), and return the milliseconds that passed. Other timers on the clock fire on the way
   * but do not keep it going. Throws if frames are still in flight after `maxMs`.
   */
  settle(maxMs = 60_000): number {
    const clock = this.manualClock('settle');
    const start = clock.now();
    clock.runDue();
    while (this.scheduler.inFlight > 0) {
      const next = Math.max(this.scheduler.nextDue, this.scheduler.nextWake);
      if (next - start > maxMs) {
        throw new Error(`SimNetwork.settle: ${this.scheduler.inFlight} frames still in flight after ${maxMs} ms`);
      }
      clock.advanceTo(Math.max(next, clock.now()));
    }
    return clock.now() - start;
  }

  /** Drop every frame in flight and stop scheduling. The devices stay, but deliver nothing more. */
  dispose(): void {
    this.scheduler.dispose();
  }

  private createChannel(target: FrameTarget, impairment: Impairment | null | undefined): Channel {
    const seed = SeededRandom.deriveSeed(this.seed, this.channelCount++);
    return new Channel(this.clock, this.scheduler, target, seed, impairment);
  }

  private nextName(prefix: string): string {
    const count = this.nameCounts.get(prefix) ?? 0;
    this.nameCounts.set(prefix, count + 1);
    return `${prefix}${count}`;
  }

  private manualClock(operation: string): ManualClock {
    if (!(this.clock instanceof ManualClock)) throw new Error(`SimNetwork.${operation} needs a ManualClock`);
    if (this.zeroDelay !== 'timer') throw new Error(`SimNetwork.${operation} needs zeroDelay 'timer'`);
    return this.clock;
  }
}
