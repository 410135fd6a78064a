// A letter first, then dot-separated segments of [a-z0-9_-]. Starting with a letter also keeps
// names from looking like array indexes, which objects would enumerate before other keys.
const COUNTER_NAME = /^[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$/;

/**
 * Whether `name` is a valid counter name: lowercase letters, digits, `-` and `_` in dot-separated
 * non-empty segments, starting with a letter, e.g. `'ipv4.in.bad-checksum'`.
 * @public
 */
export function isValidCounterName(name: string): boolean {
  return COUNTER_NAME.test(name);
}

/**
 * Throw a TypeError unless `name` is a valid counter name.
 * @internal
 */
export function assertCounterName(name: string, what = 'counter name'): void {
  if (typeof name !== 'string' || !COUNTER_NAME.test(name)) {
    throw new TypeError(
      `invalid ${what} '${String(name)}': use dot-separated segments of lowercase letters, digits, '-' and '_', starting with a letter`,
    );
  }
}

/**
 * Whether `name` lies in the dotted namespace `prefix`: `'ipv4'` matches `'ipv4'` and
 * `'ipv4.in.bad-checksum'` but not `'ipv4x.y'`. A prefix ending in `.` matches what follows it.
 * An empty or missing prefix matches everything.
 * @internal
 */
export function inNamespace(name: string, prefix: string | undefined): boolean {
  if (prefix === undefined || prefix === '') return true;
  if (prefix.endsWith('.')) return name.startsWith(prefix);
  return name.startsWith(prefix) && (name.length === prefix.length || name.charCodeAt(prefix.length) === 0x2e);
}
