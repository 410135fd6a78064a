import type { Disposer } from './disposer.js';

/**
 * A typed key for a demultiplexing table (link protocol numbers, IP protocol numbers...).
 * @public
 */
export interface DemuxKey<H> {
  readonly name: string;
  /** Phantom field carrying the handler type; never set. */
  readonly __type?: H;
}

/** Declare a demux table key. @public */
export function defineDemux<H>(name: string): DemuxKey<H> {
  return Object.freeze({ name });
}

/**
 * Maps small integer keys (0..65535) to handlers. Lookups index a plain array, so dispatch costs
 * one load. A second registration of a taken key is an error naming the holder.
 * @public
 */
export class DemuxTable<H> {
  readonly name: string;
  private readonly handlers: (H | undefined)[] = [];
  private readonly owners = new Map<number, string>();
  private fallbackHandler: H | undefined;
  private fallbackOwner: string | undefined;

  constructor(name: string) {
    this.name = name;
  }

  /** Register `handler` for `key`; returns a disposer. */
  register(key: number, handler: H, owner: string): Disposer {
    if (!Number.isInteger(key) || key < 0 || key > 0xffff) {
      throw new RangeError(`demux "${this.name}": key ${key} is not an integer in 0..65535`);
    }
    const holder = this.owners.get(key);
    if (holder !== undefined) {
      throw new Error(`demux "${this.name}": key ${key} (0x${key.toString(16)}) is already registered by "${holder}"`);
    }
    this.handlers[key] = handler;
    this.owners.set(key, owner);
    return () => {
      if (this.handlers[key] === handler) {
        this.handlers[key] = undefined;
        this.owners.delete(key);
      }
    };
  }

  /** Handler for anything no key matches (e.g. to answer "protocol unreachable"). */
  setFallback(handler: H, owner: string): Disposer {
    if (this.fallbackOwner !== undefined) {
      throw new Error(`demux "${this.name}": the fallback is already registered by "${this.fallbackOwner}"`);
    }
    this.fallbackHandler = handler;
    this.fallbackOwner = owner;
    return () => {
      if (this.fallbackHandler === handler) {
        this.fallbackHandler = undefined;
        this.fallbackOwner = undefined;
      }
    };
  }

  /** The handler for `key`, else the fallback, else undefined. */
  lookup(key: number): H | undefined {
    const h = this.handlers[key];
    return h !== undefined ? h : this.fallbackHandler;
  }

  /** The handler registered for exactly `key` (no fallback). */
  exact(key: number): H | undefined {
    return this.handlers[key];
  }

  /** Who holds `key`, or undefined. */
  ownerOf(key: number): string | undefined {
    return this.owners.get(key);
  }

  /** Registered keys with their owners (the fallback is listed as key -1). */
  entries(): Array<{ key: number; owner: string }> {
    const out = [...this.owners].map(([key, owner]) => ({ key, owner }));
    if (this.fallbackOwner !== undefined) out.push({ key: -1, owner: this.fallbackOwner });
    return out.sort((a, b) => a.key - b.key);
  }

  /** Number of registrations including the fallback. */
  get size(): number {
    return this.owners.size + (this.fallbackOwner !== undefined ? 1 : 0);
  }
}
