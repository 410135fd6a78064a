import type { Disposer } from './disposer.js';

/**
 * A typed key for a service (DESIGN.md §3). The type parameter ties the key to its interface, so
 * `use(key)` is typed without importing the provider.
 * @public
 */
export interface ServiceKey<T> {
  readonly name: string;
  /** Phantom field carrying the service type; never set. */
  readonly __type?: T;
}

/** Declare a service key. Declare each key once, in the package that owns the contract. @public */
export function defineService<T>(name: string): ServiceKey<T> {
  return Object.freeze({ name });
}

/** One provided service, for listings. @public */
export interface ServiceInfo {
  readonly name: string;
  readonly variant: string;
  readonly provider: string;
}

interface Entry {
  readonly impl: unknown;
  readonly provider: string;
}

/** Variant used when a service is provided without one. @public */
export const DEFAULT_VARIANT = '';

/**
 * The services of one stack. Keyed variants (e.g. the network protocol for family `'ipv6'`) let a
 * consumer ask "is IPv6 loaded?" without importing it.
 * @public
 */
export class ServiceRegistry {
  private readonly byKey = new Map<ServiceKey<unknown>, Map<string, Entry>>();
  private version = 0;

  /** Incremented on every change, so callers can cache lookups cheaply. */
  get generation(): number {
    return this.version;
  }

  /** Provide `impl` for `key` (and `variant`). A second provider is an error naming the first. */
  provide<T>(key: ServiceKey<T>, impl: T, provider: string, variant: string = DEFAULT_VARIANT): Disposer {
    let variants = this.byKey.get(key);
    if (!variants) {
      variants = new Map();
      this.byKey.set(key, variants);
    }
    const existing = variants.get(variant);
    if (existing) {
      throw new Error(`service ${describe(key, variant)} is already provided by module "${existing.provider}"`);
    }
    const entry: Entry = { impl, provider };
    variants.set(variant, entry);
    this.version++;
    return () => {
      if (variants.get(variant) === entry) {
        variants.delete(variant);
        if (variants.size === 0) this.byKey.delete(key);
        this.version++;
      }
    };
  }

  /** The service, or undefined when nobody provides it. */
  tryGet<T>(key: ServiceKey<T>, variant: string = DEFAULT_VARIANT): T | undefined {
    return this.byKey.get(key)?.get(variant)?.impl as T | undefined;
  }

  /** The service; throws an error naming it when nobody provides it. */
  get<T>(key: ServiceKey<T>, variant: string = DEFAULT_VARIANT): T {
    const entry = this.byKey.get(key)?.get(variant);
    if (!entry) throw new Error(`service ${describe(key, variant)} is not provided (load the module that provides it)`);
    return entry.impl as T;
  }

  /** Name of the module providing a service, or undefined. */
  providerOf(key: ServiceKey<unknown>, variant: string = DEFAULT_VARIANT): string | undefined {
    return this.byKey.get(key)?.get(variant)?.provider;
  }

  /** Every variant provided for a key, with its implementation. */
  variants<T>(key: ServiceKey<T>): Array<[variant: string, impl: T]> {
    const variants = this.byKey.get(key);
    if (!variants) return [];
    return [...variants].map(([v, e]) => [v, e.impl as T]);
  }

  /** Everything provided, for listings. */
  list(): ServiceInfo[] {
    const out: ServiceInfo[] = [];
    for (const [key, variants] of this.byKey) {
      for (const [variant, entry] of variants) out.push({ name: key.name, variant, provider: entry.provider });
    }
    return out.sort((a, b) => (a.name + a.variant).localeCompare(b.name + b.variant));
  }

  /** Number of provided services (all variants). */
  get size(): number {
    let n = 0;
    for (const variants of this.byKey.values()) n += variants.size;
    return n;
  }
}

function describe(key: ServiceKey<unknown>, variant: string): string {
  return variant === DEFAULT_VARIANT ? `"${key.name}"` : `"${key.name}" (${variant})`;
}
