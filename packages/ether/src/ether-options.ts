/**
 * Options of {@link etherModule}.
 * @public
 */
export interface EtherOptions {
  /** Zero-pad frames shorter than 60 bytes (IEEE 802.3 §3.2.8 minimum without FCS). Default true. */
  readonly padShortFrames?: boolean;
  /**
   * Accept frames carrying one 802.1Q tag with VLAN id 0 (priority-tagged, IEEE 802.1Q §6.9.1) as
   * if untagged. Default true. Other tagged frames are always dropped and counted.
   */
  readonly acceptPriorityTagged?: boolean;
}

/** Options with defaults applied. @internal */
export interface EtherConfig {
  readonly padShortFrames: boolean;
  readonly acceptPriorityTagged: boolean;
}

function booleanOption(options: EtherOptions, field: keyof EtherOptions, fallback: boolean): boolean {
  const value = options[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`etherModule: ${field} must be a boolean, got ${String(value)}`);
  return value;
}

/** Validate `options` and apply defaults; errors name the field. @internal */
export function resolveEtherOptions(options: EtherOptions): EtherConfig {
  if (options === null || typeof options !== 'object') throw new TypeError('etherModule: options must be an object');
  return {
    padShortFrames: booleanOption(options, 'padShortFrames', true),
    acceptPriorityTagged: booleanOption(options, 'acceptPriorityTagged', true),
  };
}
