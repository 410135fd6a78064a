/**
 * One named statistic. Hot paths hold the object and bump `value` directly, so counting a packet
 * costs a field increment, never a lookup by name.
 * @public
 */
export class Counter {
  /** Current value; writable so callers may also reset or set it. */
  value = 0;

  /**
   * Usually obtained from {@link Counters.counter}, which validates the name.
   * @param name - dotted name, e.g. `'ipv4.in.bad-checksum'`
   * @param description - one line for listings
   */
  constructor(
    readonly name: string,
    public description = '',
  ) {}

  /** Add one. */
  inc(): void {
    this.value++;
  }

  /** Add `n` (e.g. a byte count). */
  add(n: number): void {
    this.value += n;
  }
}
