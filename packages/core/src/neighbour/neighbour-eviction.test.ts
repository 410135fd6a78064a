import { describe, expect, it } from 'vitest';
import type { NeighbourState } from '../contracts/neighbour.js';
import { NeighbourEntry } from './neighbour-entry.js';
import { NeighbourEviction } from './neighbour-eviction.js';

class Entry extends NeighbourEntry {
  constructor(
    readonly name: string,
    state: NeighbourState = 'reachable',
  ) {
    super(1, 6, state);
  }

  get addressText(): string {
    return this.name;
  }

  compare(other: Entry): number {
    return this.name < other.name ? -1 : this.name > other.name ? 1 : 0;
  }
}

function cache(...entries: Entry[]): NeighbourEviction<Entry> {
  const eviction = new NeighbourEviction<Entry>(entries.length);
  for (const e of entries) eviction.added(e);
  return eviction;
}

/** Evicts until empty: the full eviction order. */
function drain(eviction: NeighbourEviction<Entry>): string[] {
  const order: string[] = [];
  for (let e = eviction.victim(); e !== undefined; e = eviction.victim()) {
    order.push(e.name);
    eviction.removed(e);
  }
  return order;
}

describe('NeighbourEviction', () => {
  it('evicts the least recently used entry: touch moves an entry to the most recently used end', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => new Entry(n));
    const eviction = cache(a, b, c, d);
    expect(eviction.victim()).toBe(a); // untouched: creation order
    eviction.touch(a);
    expect(eviction.victim()).toBe(b);
    eviction.touch(c); // from the middle
    eviction.touch(d); // the tail already: nothing moves
    expect(drain(eviction)).toEqual(['b', 'a', 'c', 'd']);
    expect(eviction.dynamicSize).toBe(0);
  });

  it('prefers stale and failed entries, then unresolved ones, then the least recently used working one', () => {
    const reachable = new Entry('reachable');
    const delay = new Entry('delay', 'delay');
    const incomplete1 = new Entry('incomplete1', 'incomplete');
    const probe = new Entry('probe', 'probe');
    const stale = new Entry('stale', 'stale');
    const incomplete2 = new Entry('incomplete2', 'incomplete');
    const failed = new Entry('failed', 'failed');
    const eviction = cache(reachable, delay, incomplete1, probe, stale, incomplete2, failed);
    eviction.touch(stale); // recency orders within a class, never across classes
    expect(drain(eviction)).toEqual(['failed', 'stale', 'incomplete1', 'incomplete2', 'reachable', 'delay', 'probe']);
  });

  it('ignores touches of permanent entries and of entries no longer held', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((n) => new Entry(n));
    const permanent = new Entry('p', 'permanent');
    const eviction = cache(a, b, c);
    eviction.added(permanent);
    expect(eviction.dynamicSize).toBe(3);
    eviction.touch(permanent);
    eviction.removed(a);
    eviction.touch(a); // removed: must not relink it nor change the count
    expect(eviction.dynamicSize).toBe(2);
    expect(eviction.isFull).toBe(false);
    expect(drain(eviction)).toEqual(['b', 'c']);
    const only = new Entry('only');
    const single = cache(only);
    single.touch(only); // head and tail at once
    expect(drain(single)).toEqual(['only']);
  });
});
