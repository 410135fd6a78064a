// Frame observation is a link-driver capability declared in @stack/core (`LinkDriver.observe`,
// `FrameTap`), so that any driver (a TAP as much as a simulated device) can be captured. Re-exported
// here, where sim's pcap writer and devices use it, to keep sim's public names.
//
// Where a simulated device observes: `'tx'` when the stack sent a frame, before any impairment of
// the wire; `'rx'` when a frame is delivered to the stack, after impairment.
export type { FrameDirection, FrameObserver, FrameTap } from '@stack/core';
