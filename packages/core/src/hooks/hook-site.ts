import type { Counter } from '../counters/index.js';
import type { NetInterface } from '../engine/interface.js';
import { Verdict, type HookFn, type HookPointKey, type HookResult, type VerdictCode } from './hook-point.js';

/** A compiled chain for one interface: the functions in order and their drop counters. */
export interface CompiledChain<A> {
  readonly fns: readonly HookFn<A>[];
  readonly ids: readonly string[];
  readonly drops: readonly Counter[];
}

const EMPTY: CompiledChain<never> = Object.freeze({ fns: [], ids: [], drops: [] });

/**
 * The runnable form of one hook point in one stack: a compiled chain per interface, replaced
 * wholesale (copy-on-write) whenever hooks change, so a run that is under way keeps the chain it
 * started with. A layer obtains its site once and calls {@link HookSite.run} per packet.
 * @public
 */
export class HookSite<A> {
  readonly point: HookPointKey<A>;
  /** Indexed by interface index; index 0 serves runs with no interface. */
  private chains: CompiledChain<A>[] = [];
  private readonly result: HookResult<A> = { reason: '', replacement: null };
  private release: ((arg: A) => void) | null;
  private readonly errors: Counter;
  /** True when no interface has any hook: the layer may skip the call entirely. */
  empty = true;
  /** The verdict of the last run that did not pass (DROP or CONSUMED). */
  lastVerdict: VerdictCode = Verdict.PASS;
  /** The reason given by the last hook that dropped. */
  lastReason = '';

  /** @internal */
  constructor(point: HookPointKey<A>, release: ((arg: A) => void) | null, errors: Counter) {
    this.point = point;
    this.release = release;
    this.errors = errors;
  }

  /** @internal Set by the layer that declares the point: how to free a dropped argument. */
  setRelease(release: ((arg: A) => void) | null): void {
    this.release = release;
  }

  /** @internal Installs freshly compiled chains (copy-on-write). */
  install(chains: CompiledChain<A>[]): void {
    this.chains = chains;
    this.empty = chains.every((c) => c === undefined || c.fns.length === 0);
  }

  /** The ids of the hooks that run on an interface, in order. */
  chainFor(ifindex: number): readonly string[] {
    return (this.chains[ifindex] ?? EMPTY).ids;
  }

  /**
   * Run the chain of `ifp` (or the interface-less chain for null). Returns the argument to continue
   * with (the original or a replacement), or null when a hook dropped or consumed it. A dropped
   * packet is released here (packet points); a consumed one belongs to the hook. A hook that throws
   * counts as a drop (`hook-error`), so a faulty module cannot break the stack.
   */
  run(arg: A, ifp: NetInterface | null): A | null {
    const chain = this.chains[ifp === null ? 0 : ifp.index];
    if (chain === undefined) return arg;
    const fns = chain.fns;
    const n = fns.length;
    if (n === 0) return arg;
    const result = this.result;
    let current = arg;
    for (let i = 0; i < n; i++) {
      result.reason = '';
      result.replacement = null;
      let verdict: VerdictCode;
      try {
        verdict = fns[i](current, ifp, result);
      } catch {
        this.errors.inc();
        result.reason = 'hook-error';
        verdict = Verdict.DROP;
      }
      if (verdict === Verdict.PASS) continue;
      if (verdict === Verdict.REPLACE && result.replacement !== null) {
        const next = result.replacement;
        if (next !== current && this.release !== null) this.release(current);
        current = next;
        continue;
      }
      if (verdict === Verdict.CONSUMED) {
        this.lastVerdict = Verdict.CONSUMED;
        this.lastReason = '';
        return null;
      }
      // DROP, an unknown verdict, or REPLACE without a replacement.
      chain.drops[i].inc();
      this.lastVerdict = Verdict.DROP;
      this.lastReason = result.reason !== '' ? result.reason : 'dropped';
      if (this.release !== null) this.release(current);
      return null;
    }
    return current;
  }
}
