import { describe, expect, it } from 'vitest';
import { InterfaceCounters } from './interface-counters.js';

const FIELDS = [
  'rxPackets',
  'rxBytes',
  'rxErrors',
  'rxDropped',
  'rxMulticast',
  'txPackets',
  'txBytes',
  'txErrors',
  'txDropped',
];

describe('InterfaceCounters', () => {
  it('starts at zero with every field', () => {
    const counters = new InterfaceCounters();
    const snapshot = counters.snapshot();
    expect(Object.keys(snapshot)).toEqual(FIELDS);
    expect(Object.values(snapshot).every((v) => v === 0)).toBe(true);
  });

  it('snapshots the plain fields the data path bumps', () => {
    const counters = new InterfaceCounters();
    counters.rxPackets++;
    counters.rxBytes += 60;
    counters.rxMulticast++;
    counters.txPackets += 2;
    counters.txBytes += 1514;
    counters.txDropped++;
    counters.rxErrors++;
    counters.rxDropped += 3;
    counters.txErrors += 4;
    const snapshot = counters.snapshot();
    expect(snapshot).toEqual({
      rxPackets: 1,
      rxBytes: 60,
      rxErrors: 1,
      rxDropped: 3,
      rxMulticast: 1,
      txPackets: 2,
      txBytes: 1514,
      txErrors: 4,
      txDropped: 1,
    });
    counters.rxPackets++;
    expect(snapshot.rxPackets).toBe(1); // a copy
  });

  it('reset zeroes every field', () => {
    const counters = new InterfaceCounters();
    for (const field of FIELDS) (counters as unknown as Record<string, number>)[field] = 7;
    counters.reset();
    expect(Object.values(counters.snapshot()).every((v) => v === 0)).toBe(true);
  });
});
