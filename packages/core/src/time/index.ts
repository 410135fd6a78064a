export type { Clock, ClockErrorHandler, Timer } from './clock.js';
export type { HostTimers } from './host-globals.js';
export { ManualClock, type ManualClockOptions } from './manual-clock.js';
export { RealClock, type RealClockOptions } from './real-clock.js';
export { TimerGroup } from './timer-group.js';
export { TokenBucket } from './token-bucket.js';
