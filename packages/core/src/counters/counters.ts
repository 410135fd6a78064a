import { Counter } from './counter.js';
import { assertCounterName, inNamespace } from './counter-name.js';

/**
 * A row of {@link Counters.list}.
 * @public
 */
export interface CounterInfo {
  /** Dotted counter name. */
  name: string;
  /** Value when listed. */
  value: number;
  /** Description, or '' if none was given. */
  description: string;
}

/**
 * The named counters of one stack, as `netstat -s` shows them. Modules create their counters once
 * (at attach), keep the {@link Counter} objects, and remove them when they unload.
 * @public
 */
export class Counters {
  private readonly byName = new Map<string, Counter>();

  /** Number of counters. */
  get size(): number {
    return this.byName.size;
  }

  /**
   * The counter called `name`, created at 0 if new. A description given here fills in a counter
   * that has none. Throws TypeError for an invalid name (see {@link isValidCounterName}).
   */
  counter(name: string, description?: string): Counter {
    const existing = this.byName.get(name);
    if (existing !== undefined) {
      if (description && !existing.description) existing.description = description;
      return existing;
    }
    assertCounterName(name);
    const created = new Counter(name, description ?? '');
    this.byName.set(name, created);
    return created;
  }

  /**
   * Counters `prefix.name` for each of `names`, keyed by name:
   * `const c = counters.group('ipv4.in', ['bad-checksum', 'too-short']); c['bad-checksum'].inc();`
   */
  group<const N extends readonly string[]>(prefix: string, names: N): { readonly [K in N[number]]: Counter } {
    assertCounterName(prefix, 'counter prefix');
    // fromEntries defines own properties, so even a name like '__proto__' is just a key.
    const entries = names.map((name) => [name, this.counter(`${prefix}.${name}`)] as const);
    return Object.freeze(Object.fromEntries(entries)) as { readonly [K in N[number]]: Counter };
  }

  /** Whether a counter called `name` exists. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Value of the counter called `name`, or 0 if there is none. */
  get(name: string): number {
    return this.byName.get(name)?.value ?? 0;
  }

  /**
   * Values by name, keys in name order, for counters in the dotted namespace `prefix` (all when
   * omitted): `'ipv4'` selects `'ipv4'` and `'ipv4.*'`, not `'ipv4x'`.
   */
  snapshot(prefix?: string): Record<string, number> {
    const result: Record<string, number> = {};
    for (const counter of this.sorted(prefix)) result[counter.name] = counter.value;
    return result;
  }

  /** Name, value and description of the counters in `prefix` (as for `snapshot`), in name order. */
  list(prefix?: string): CounterInfo[] {
    return this.sorted(prefix).map(({ name, value, description }) => ({ name, value, description }));
  }

  /** Forget the counter called `name`; holders of the object may keep counting, unseen. */
  remove(name: string): void {
    this.byName.delete(name);
  }

  /** Forget every counter in the dotted namespace `prefix` (required, non-empty); returns how many. */
  removePrefix(prefix: string): number {
    if (!prefix) throw new TypeError('Counters.removePrefix: prefix must not be empty');
    let removed = 0;
    for (const name of [...this.byName.keys()]) {
      if (inNamespace(name, prefix)) {
        this.byName.delete(name);
        removed++;
      }
    }
    return removed;
  }

  private sorted(prefix: string | undefined): Counter[] {
    const selected: Counter[] = [];
    for (const counter of this.byName.values()) if (inNamespace(counter.name, prefix)) selected.push(counter);
    // Names are ASCII, so code-unit order is the natural order, independent of locale.
    return selected.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
