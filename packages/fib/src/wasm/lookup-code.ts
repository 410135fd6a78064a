import { CodeWriter, encodeModule, Op, type FunctionSpec } from './wasm-writer.js';

// The lookup loops in WebAssembly: the same trie walk as trie-lookup.ts, over the same words,
// with a native popcount and no bounds checks (a WebAssembly memory access is checked by the
// guard pages behind the memory). Byte layout of a lookup memory:

/** Next-hop ids of the table codes (0x8000 words), then the default route's id (word 0x8000). */
export const VALUES_AT = 0;
/** Words of the values table: table codes, then the default route. */
export const VALUES_WORDS = 0x8001;
/** Burst scratch: destinations in (IPv4 words or 16-byte IPv6 addresses). */
export const IO_IN_AT = 0x20100;
/** Burst scratch: next-hop ids out. */
export const IO_OUT_AT = IO_IN_AT + 0x4000;
/** Destinations per scratch round. */
export const IO_LANES = 1024;
/** The trie's words: `m32[n]` is at `POOL_AT + 4n`. */
export const POOL_AT = 0x30000;

/** IPv4 lanes that walk the top level and first node side by side (as in `trieLookup4Burst`). */
const LANES4 = 8;
/** IPv6 lanes that walk down side by side, one node per step. */
const LANES6 = 4;

/** Locals of one lookup in flight. */
interface Lane {
  /** IPv4: the destination; IPv6: the byte address of the destination. */
  readonly dst: number;
  readonly n: number;
  readonly h: number;
  readonly s: number;
  readonly code: number;
  readonly best: number;
  readonly c: number;
  readonly k: number;
}

const LANE_LOCALS = 8;

function lane(first: number): Lane {
  return { dst: first, n: first + 1, h: first + 2, s: first + 3, code: first + 4, best: first + 5, c: first + 6, k: first + 7 };
}

/** Push the byte address of word `n` (local) of the trie. */
function wordAddress(w: CodeWriter, n: number): CodeWriter {
  return w.get(n).const(2).op(Op.i32Shl);
}

/** Push the leaf code of the slot whose shift is `s` in node `n` with header `h`. */
function leafCode(w: CodeWriter, L: Lane): void {
  wordAddress(w, L.n);
  w.get(L.h).const(1).op(Op.i32Or).get(L.s).op(Op.i32Shl, Op.i32Popcnt).const(1).op(Op.i32Shl, Op.i32Add);
  w.mem(Op.i32Load16u, 1, POOL_AT + 2);
}

/**
 * Push the next-hop id of the leaf code in `best`, without a branch: codes 1..0x7fff are the id
 * + 1; table codes and code 0 (no prefix matched: the default route, or -1) read the values table.
 */
function idOfBest(w: CodeWriter, best: number): void {
  w.get(best).const(1).op(Op.i32Sub);
  w.get(best).const(0x8000).op(Op.i32Add).const(0xffff).op(Op.i32And).const(2).op(Op.i32Shl).mem(Op.i32Load, 2, VALUES_AT);
  w.get(best).const(1).op(Op.i32Sub).const(0x7fff).op(Op.i32LtU);
  w.op(Op.select);
}

/** Push the shift (`~slot`) of the 5 IPv4 bits at bit `k` (a local) of `dst`. */
function shift4(w: CodeWriter, L: Lane): void {
  w.get(L.dst).get(L.k).op(Op.i32Shl).const(27).op(Op.i32ShrU).const(-1).op(Op.i32Xor).set(L.s);
}

/**
 * Push the shift of the 5 bits at bit `k` of the IPv6 address at byte `dst`: the big-endian pair
 * of bytes holding them, shifted down (a byte past the address reads as zero).
 */
function shift6(w: CodeWriter, L: Lane): void {
  const i = L.c; // free at this point: holds the byte index
  w.get(L.k).const(3).op(Op.i32ShrU).set(i);
  w.get(L.dst).get(i).op(Op.i32Add).mem(Op.i32Load8u, 0, IO_IN_AT).const(8).op(Op.i32Shl);
  w.get(L.dst).get(i).op(Op.i32Add).mem(Op.i32Load8u, 0, IO_IN_AT + 1).const(0);
  w.get(i).const(15).op(Op.i32LtU).op(Op.select);
  w.op(Op.i32Or).const(11).get(L.k).const(7).op(Op.i32And, Op.i32Sub).op(Op.i32ShrU).const(-1).op(Op.i32Xor).set(L.s);
}

/**
 * Walk down from the node in `n` (header `h`, shift `s`, leaf code in `best` already read) while
 * the slot has a child; `best` keeps the last non-zero leaf code.
 */
function descend(w: CodeWriter, L: Lane, shift: (w: CodeWriter, L: Lane) => void): void {
  w.begin(Op.loop).begin(Op.block);
  w.get(L.h).const(1).op(Op.i32And, Op.i32Eqz).branch(Op.brIf, 0);
  wordAddress(w, L.n).mem(Op.i32Load, 2, POOL_AT - 4).get(L.s).op(Op.i32Shl).tee(L.c).const(0).op(Op.i32GeS).branch(Op.brIf, 0);
  w.get(L.n).get(L.c).op(Op.i32Popcnt, Op.i32Sub).const(2).op(Op.i32Shl).mem(Op.i32Load, 2, POOL_AT - 4).set(L.n);
  w.get(L.k).const(5).op(Op.i32Add).set(L.k);
  wordAddress(w, L.n).mem(Op.i32Load, 2, POOL_AT).set(L.h);
  shift(w, L);
  leafCode(w, L);
  w.set(L.code);
  w.get(L.code).get(L.best).get(L.code).op(Op.select).set(L.best);
  w.branch(Op.br, 1);
  w.op(Op.end, Op.end);
}

/** Top level and first node of an IPv4 lookup of `dst`, in three passes over `lanes` so their reads overlap. */
function start4(w: CodeWriter, lanes: readonly Lane[], top: number): void {
  for (const L of lanes) w.get(L.dst).const(32 - top).op(Op.i32ShrU).const(2).op(Op.i32Shl).mem(Op.i32Load, 2, POOL_AT).set(L.n);
  for (const L of lanes) {
    wordAddress(w, L.n).mem(Op.i32Load, 2, POOL_AT).set(L.h);
    w.const(top).set(L.k);
    shift4(w, L);
  }
  for (const L of lanes) {
    leafCode(w, L);
    w.set(L.best);
  }
}

/** Set `n` to the top-level entry of the IPv6 address at byte `dst` (its first `top` <= 24 bits). */
function top6(w: CodeWriter, L: Lane, top: number): void {
  w.get(L.dst).mem(Op.i32Load8u, 0, IO_IN_AT).const(16).op(Op.i32Shl);
  w.get(L.dst).mem(Op.i32Load8u, 0, IO_IN_AT + 1).const(8).op(Op.i32Shl, Op.i32Or);
  w.get(L.dst).mem(Op.i32Load8u, 0, IO_IN_AT + 2).op(Op.i32Or).const(24 - top).op(Op.i32ShrU);
  w.const(2).op(Op.i32Shl).mem(Op.i32Load, 2, POOL_AT).set(L.n);
}

/** Top level and first node of an IPv6 lookup of the address at byte `dst` (top <= 24). */
function start6(w: CodeWriter, L: Lane, top: number): void {
  top6(w, L, top);
  wordAddress(w, L.n).mem(Op.i32Load, 2, POOL_AT).set(L.h);
  w.const(top).set(L.k);
  shift6(w, L);
  leafCode(w, L);
  w.set(L.best);
}

/** `for (i = from; i + step <= count; i += step) body()`; `count` is local 0, `i` local 1. */
function loopBy(w: CodeWriter, step: number, body: () => void): void {
  w.begin(Op.block).begin(Op.loop);
  w.get(1).const(step).op(Op.i32Add).get(0).op(Op.i32GtU).branch(Op.brIf, 1);
  body();
  w.get(1).const(step).op(Op.i32Add).set(1);
  w.branch(Op.br, 0);
  w.op(Op.end, Op.end);
}

/** Store the id of lane `L` at output index `i + j`. */
function storeId(w: CodeWriter, L: Lane, j: number): void {
  w.get(1).const(2).op(Op.i32Shl);
  idOfBest(w, L.best);
  w.mem(Op.i32Store, 2, IO_OUT_AT + 4 * j);
}

function ipv4Functions(top: number): FunctionSpec[] {
  const single = new CodeWriter();
  {
    const L = lane(0);
    start4(single, [L], top);
    descend(single, L, shift4);
    idOfBest(single, L.best);
  }
  // burst4(count): destinations at IO_IN_AT, ids to IO_OUT_AT; locals: count, i, lanes.
  const burst = new CodeWriter();
  const lanes = Array.from({ length: LANES4 }, (_, j) => lane(2 + j * LANE_LOCALS));
  burst.const(0).set(1);
  loopBy(burst, LANES4, () => {
    lanes.forEach((L, j) => burst.get(1).const(2).op(Op.i32Shl).mem(Op.i32Load, 2, IO_IN_AT + 4 * j).set(L.dst));
    start4(burst, lanes, top);
    lanes.forEach((L, j) => {
      descend(burst, L, shift4);
      storeId(burst, L, j);
    });
  });
  loopBy(burst, 1, () => {
    const L = lanes[0];
    burst.get(1).const(2).op(Op.i32Shl).mem(Op.i32Load, 2, IO_IN_AT).set(L.dst);
    start4(burst, [L], top);
    descend(burst, L, shift4);
    storeId(burst, L, 0);
  });
  return [
    { name: 'lookup4', params: 1, results: 1, locals: LANE_LOCALS - 1, code: single },
    { name: 'burst4', params: 1, results: 0, locals: 1 + LANES4 * LANE_LOCALS, code: burst },
  ];
}

/**
 * burst6(count): addresses 16 bytes apart at IO_IN_AT, ids to IO_OUT_AT. IPv6 lookups walk several
 * nodes each, one dependent read after another, so LANES6 lookups advance side by side, one node
 * per step, and a lane that finishes takes the next address (as `trieLookup6Burst` does): their
 * reads overlap. Locals: count, next, live, then per lane its index (-1: idle) and its lane.
 */
function burst6(top: number): CodeWriter {
  const w = new CodeWriter();
  const NEXT = 1;
  const LIVE = 2;
  const lanes = Array.from({ length: LANES6 }, (_, j) => ({ o: 3 + j * (LANE_LOCALS + 1), L: lane(4 + j * (LANE_LOCALS + 1)) }));
  /** Give lane (o, L) the next address, or retire it. */
  const take = (o: number, L: Lane): void => {
    w.get(NEXT).get(0).op(Op.i32LtU).begin(Op.if);
    w.get(NEXT).tee(o).const(4).op(Op.i32Shl).set(L.dst);
    w.get(NEXT).const(1).op(Op.i32Add).set(NEXT);
    top6(w, L, top);
    w.const(top).set(L.k);
    w.const(0).set(L.best);
    w.op(Op.else);
    w.const(-1).set(o);
    w.get(LIVE).const(1).op(Op.i32Sub).set(LIVE);
    w.op(Op.end);
  };
  w.const(0).set(NEXT);
  w.const(LANES6).set(LIVE);
  for (const { o, L } of lanes) take(o, L);
  w.begin(Op.block).begin(Op.loop);
  w.get(LIVE).op(Op.i32Eqz).branch(Op.brIf, 1);
  for (const { o, L } of lanes) {
    w.get(o).const(0).op(Op.i32GeS).begin(Op.if);
    wordAddress(w, L.n).mem(Op.i32Load, 2, POOL_AT).set(L.h);
    shift6(w, L);
    leafCode(w, L);
    w.set(L.code);
    w.get(L.code).get(L.best).get(L.code).op(Op.select).set(L.best);
    // The child bitmap word is read even without children (it is then discarded): no branch.
    wordAddress(w, L.n).mem(Op.i32Load, 2, POOL_AT - 4).get(L.s).op(Op.i32Shl).const(0).get(L.h).const(1).op(Op.i32And).op(Op.select).tee(L.c);
    w.const(0).op(Op.i32LtS).begin(Op.if);
    w.get(L.n).get(L.c).op(Op.i32Popcnt, Op.i32Sub).const(2).op(Op.i32Shl).mem(Op.i32Load, 2, POOL_AT - 4).set(L.n);
    w.get(L.k).const(5).op(Op.i32Add).set(L.k);
    w.op(Op.else);
    w.get(o).const(2).op(Op.i32Shl);
    idOfBest(w, L.best);
    w.mem(Op.i32Store, 2, IO_OUT_AT);
    take(o, L);
    w.op(Op.end);
    w.op(Op.end);
  }
  w.branch(Op.br, 0);
  w.op(Op.end, Op.end);
  return w;
}

function ipv6Functions(top: number): FunctionSpec[] {
  // lookup6(): the address at IO_IN_AT; locals: the lane (its `dst` is the byte offset 0).
  const single = new CodeWriter();
  {
    const L = lane(0);
    single.const(0).set(L.dst);
    start6(single, L, top);
    descend(single, L, shift6);
    idOfBest(single, L.best);
  }
  return [
    { name: 'lookup6', params: 0, results: 1, locals: LANE_LOCALS, code: single },
    { name: 'burst6', params: 1, results: 0, locals: 2 + LANES6 * (LANE_LOCALS + 1), code: burst6(top) },
  ];
}

/** The functions of a lookup memory. */
export interface LookupFunctions {
  /** IPv4 tries: the next-hop id of `dst`, or -1. */
  readonly lookup4?: (dst: number) => number;
  /** IPv4 tries: look up `count` (at most IO_LANES) destinations at IO_IN_AT. */
  readonly burst4?: (count: number) => void;
  /** IPv6 tries: the next-hop id of the address at IO_IN_AT. */
  readonly lookup6?: () => number;
  /** IPv6 tries: look up `count` (at most IO_LANES) addresses at IO_IN_AT. */
  readonly burst6?: (count: number) => void;
}

/** The module of the lookup functions of one family (`words` 1: IPv4, 4: IPv6) and top-level width. */
export function lookupModuleBytes(words: number, top: number): Uint8Array {
  return encodeModule(words === 1 ? ipv4Functions(top) : ipv6Functions(top), POOL_AT >>> 16);
}
