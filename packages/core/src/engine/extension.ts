import type { Disposer } from './disposer.js';

/**
 * A typed key for per-object extension state (FreeBSD `if_afdata`): a protocol hangs its own state
 * on an interface or an address with no field for it in core.
 * @public
 */
export interface ExtensionKey<T> {
  readonly name: string;
  /** Phantom field carrying the value type; never set. */
  readonly __type?: T;
}

/** Declare an extension key, once, in the package that owns the state. @public */
export function defineExtension<T>(name: string): ExtensionKey<T> {
  return Object.freeze({ name });
}

/**
 * Extension slots of one object.
 * @public
 */
export class ExtensionSlots {
  private readonly slots = new Map<ExtensionKey<unknown>, unknown>();

  /** The value stored under `key`, or undefined. */
  get<T>(key: ExtensionKey<T>): T | undefined {
    return this.slots.get(key) as T | undefined;
  }

  /** Store a value; a taken slot is an error (two owners of one slot is a bug). Returns a remover. */
  set<T>(key: ExtensionKey<T>, value: T): Disposer {
    if (this.slots.has(key)) throw new Error(`extension slot "${key.name}" is already set`);
    this.slots.set(key, value);
    return () => {
      if (this.slots.get(key) === value) this.slots.delete(key);
    };
  }

  has(key: ExtensionKey<unknown>): boolean {
    return this.slots.has(key);
  }

  /** Names of the slots in use (tests prove an unload left none behind). */
  names(): string[] {
    return [...this.slots.keys()].map((k) => k.name);
  }

  get size(): number {
    return this.slots.size;
  }
}
