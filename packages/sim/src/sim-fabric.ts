import type { Clock } from '@stack/core';
import type { Channel, FrameTarget } from './channel.js';
import type { FrameScheduler } from './frame-scheduler.js';
import type { Impairment } from './impairment.js';

/**
 * What links and switches need from the network that created them: its clock and scheduler, and
 * its deterministic supply of channel seeds, MACs and names.
 * @internal
 */
export interface SimFabric {
  readonly clock: Clock;
  readonly scheduler: FrameScheduler;
  /** A new direction towards `target`, with its own generator seeded from the network seed. */
  createChannel(target: FrameTarget, impairment: Impairment | null | undefined): Channel;
  /** The next locally administered MAC: 02:00:00:00:00:01, 02:00:00:00:00:02, ... */
  nextMac(): Uint8Array;
  /** `prefix` followed by the next number for that prefix: sim0, sim1, ... */
  nextName(prefix: string): string;
}
