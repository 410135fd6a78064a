import type { Stack } from '@stack/core';
import type { NdInterfaceConfig, NdInterfaceOptions } from '../nd-interface-options.js';

/**
 * The effective ND settings of each interface: the stack-wide defaults, then the overrides keyed
 * by the interface's index, then those keyed by its name (from the options and from
 * `NdControl.setInterfaceOptions`). Overrides may name interfaces that do not exist yet. Results
 * are cached per existing interface until the overrides change or the interface goes away.
 * @internal
 */
export class InterfaceSettings {
  private readonly overrides = new Map<string, NdInterfaceOptions>();
  private readonly cache = new Map<number, NdInterfaceConfig>();

  constructor(
    private readonly stack: Stack,
    readonly defaults: NdInterfaceConfig,
    table: { readonly [key: string]: NdInterfaceOptions },
  ) {
    for (const [key, options] of Object.entries(table)) this.overrides.set(key, options);
  }

  /** The settings of interface `ifindex` (the defaults and its index entry when it does not exist). */
  of(ifindex: number): NdInterfaceConfig {
    const cached = this.cache.get(ifindex);
    if (cached !== undefined) return cached;
    const ifp = this.stack.interfaces.get(ifindex);
    const byName = ifp === undefined ? undefined : this.overrides.get(ifp.name);
    const settings: NdInterfaceConfig = Object.freeze({ ...this.defaults, ...this.overrides.get(String(ifindex)), ...byName });
    if (ifp !== undefined) this.cache.set(ifindex, settings);
    return settings;
  }

  /** The overrides stored under `key` (an interface name or decimal index). */
  overridesOf(key: string): NdInterfaceOptions {
    return this.overrides.get(key) ?? {};
  }

  /** Merge validated overrides into those of `key`: the fields given replace earlier ones. */
  set(key: string, options: NdInterfaceOptions): void {
    this.overrides.set(key, { ...this.overrides.get(key), ...options });
    this.cache.clear();
  }

  /** The interface went away: forget its cached settings (its overrides stay, for a successor of that name). */
  forget(ifindex: number): void {
    this.cache.delete(ifindex);
  }

  clear(): void {
    this.cache.clear();
  }
}
