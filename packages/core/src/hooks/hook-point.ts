import type { NetInterface } from '../engine/interface.js';

/**
 * A typed key naming a hook point `<layer>.<stage>` (DESIGN.md §5). `A` is what the hooks see:
 * a `PacketBuffer` for packet points, an event object for the event points.
 * @public
 */
export interface HookPointKey<A> {
  readonly name: string;
  /** Phantom field carrying the argument type; never set. */
  readonly __type?: A;
}

/** The stages a layer may declare (the seed's list), plus the event points. @public */
export type HookStage =
  | 'pre-input'
  | 'input'
  | 'post-input'
  | 'pre-output'
  | 'output'
  | 'post-output'
  | 'link-state'
  | 'route'
  | 'address';

const STAGES: ReadonlySet<string> = new Set<HookStage>([
  'pre-input', 'input', 'post-input', 'pre-output', 'output', 'post-output', 'link-state', 'route', 'address',
]);

/**
 * Declare a hook point key named `<layer>.<stage>`; `stage` must be one of {@link HookStage}.
 * Points are identified by name, so a module may define its own key for a point another package
 * declares (e.g. CARP hooking `ether.output`) without importing that package.
 * @public
 */
export function defineHookPoint<A>(layer: string, stage: HookStage): HookPointKey<A> {
  if (!/^[a-z][a-z0-9-]*$/.test(layer)) throw new Error(`hook point layer "${layer}" must be lowercase letters, digits and '-'`);
  if (!STAGES.has(stage)) throw new Error(`hook point stage "${stage}" is not one of ${[...STAGES].join(', ')}`);
  return Object.freeze({ name: `${layer}.${stage}` });
}

/**
 * What a hook decides (FreeBSD pfil's verdicts). `REPLACE` continues with
 * `result.replacement` instead of the original.
 * @public
 */
export const Verdict = {
  PASS: 0,
  DROP: 1,
  CONSUMED: 2,
  REPLACE: 3,
} as const;

/** @public */
export type VerdictCode = (typeof Verdict)[keyof typeof Verdict];

/**
 * Scratch space a hook fills before returning DROP (`reason`) or REPLACE (`replacement`). It is
 * shared by every run of a point: set the fields just before returning.
 * @public
 */
export interface HookResult<A> {
  reason: string;
  replacement: A | null;
}

/** A hook function. Returns a {@link Verdict} code. @public */
export type HookFn<A> = (arg: A, ifp: NetInterface | null, result: HookResult<A>) => VerdictCode;

/**
 * A hook to register at a point.
 * @public
 */
export interface HookRegistration<A> {
  /** Unique per point; used by constraints, the administrator's order and enable/disable. */
  readonly id: string;
  readonly fn: HookFn<A>;
  /** Run before these hook ids (ids not registered are ignored). */
  readonly before?: readonly string[];
  /** Run after these hook ids. */
  readonly after?: readonly string[];
  /** Interfaces (by index) the hook is enabled on at first; default every interface. */
  readonly interfaces?: readonly number[];
}
