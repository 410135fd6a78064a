import { IO_IN_AT, IO_LANES, IO_OUT_AT, lookupModuleBytes, POOL_AT, VALUES_AT, VALUES_WORDS, type LookupFunctions } from './wasm/lookup-code.js';

const PAGE = 0x10000;

// The part of the WebAssembly JavaScript API used here, typed locally: the package compiles
// without DOM or Node type libraries, and runs where `WebAssembly` is absent (then JS lookups).
/** A compiled lookup module (opaque). */
export interface WasmModule {
  readonly __wasmModule?: never;
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Memory: new (descriptor: { initial: number }) => WasmMemory;
  readonly Instance: new (module: WasmModule, imports: { env: { memory: WasmMemory } }) => { readonly exports: unknown };
}

function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** Where a {@link RecordPool} keeps its words. */
export interface WordStorage {
  readonly i32: Int32Array;
  readonly u16: Uint16Array;
  /** Make the storage hold at least `words` words (it may hold more), keeping the first `keep`. */
  resize(words: number, keep: number): void;
}

/** Compiled lookup modules, one per family and top-level width; each route-table set keeps its own. */
export class LookupModules {
  private readonly modules = new Map<number, WasmModule>();

  /** The module for `words` (1 or 4) and `top`, or null when this runtime has no WebAssembly. */
  get(words: number, top: number): WasmModule | null {
    const api = wasmApi();
    if (api === undefined) return null;
    const key = words * 64 + top;
    let m = this.modules.get(key);
    if (m === undefined) {
      try {
        // 2.5 KB at most: under the 4 KB browsers allow to compile synchronously on the main thread.
        m = new api.Module(lookupModuleBytes(words, top));
      } catch {
        return null; // compilation refused (a content security policy, say): JavaScript lookups
      }
      this.modules.set(key, m);
    }
    return m;
  }
}

/**
 * The bytes one lookup trie lives in: a values table, burst scratch and the trie's words, laid
 * out as `wasm/lookup-code.ts` describes. With a module, a WebAssembly memory whose lookup
 * functions are `fns`; without (no WebAssembly, or the runtime refused another memory), a plain
 * buffer read by the JavaScript lookups.
 */
export class LookupMemory implements WordStorage {
  i32!: Int32Array;
  u16!: Uint16Array;
  /** Next-hop ids of table codes; word 0x8000 is the default route's. */
  values!: Int32Array;
  /** Burst scratch as the two element types callers pass, and as bytes (IPv6). */
  inI32!: Int32Array;
  inU32!: Uint32Array;
  inU8!: Uint8Array;
  out!: Int32Array;
  /** `outViews[q]`: the first 64·q ids of the output scratch, to copy out without a new view. */
  outViews: Int32Array[] = [];
  fns: LookupFunctions | null = null;
  private buffer!: ArrayBuffer;
  private memory: WasmMemory | null = null;
  private module: WasmModule | null;

  constructor(words: number, module: WasmModule | null) {
    this.module = module;
    this.allocate(words, 0);
    this.values.fill(-1);
  }

  /** Whether lookups run in WebAssembly. */
  get native(): boolean {
    return this.fns !== null;
  }

  byteLength(): number {
    return this.buffer.byteLength;
  }

  resize(words: number, keep: number): void {
    const bytes = POOL_AT + words * 4;
    if (this.memory !== null && bytes > this.buffer.byteLength) {
      // Grow in place: the memory keeps its contents; views over the old buffer are detached.
      try {
        this.memory.grow(Math.ceil((bytes - this.buffer.byteLength) / PAGE));
        this.views();
        return;
      } catch {
        // Could not grow in place: copy into a new memory below.
      }
    }
    this.allocate(words, POOL_AT + keep * 4);
  }

  /** New storage of at least `words` words with the first `keepBytes` bytes of the old one. */
  private allocate(words: number, keepBytes: number): void {
    const old = this.buffer === undefined ? null : new Uint8Array(this.buffer, 0, keepBytes);
    const bytes = POOL_AT + words * 4;
    this.memory = null;
    this.fns = null;
    const api = wasmApi();
    if (this.module !== null && api !== undefined) {
      try {
        const memory = new api.Memory({ initial: Math.ceil(bytes / PAGE) });
        const instance = new api.Instance(this.module, { env: { memory } });
        this.memory = memory;
        this.fns = instance.exports as LookupFunctions;
      } catch {
        // Out of address space for another memory: this trie uses the JavaScript lookups.
        this.module = null;
      }
    }
    this.buffer = this.memory !== null ? this.memory.buffer : new ArrayBuffer(bytes);
    if (old !== null) new Uint8Array(this.buffer).set(old);
    this.views();
  }

  private views(): void {
    const b = this.memory !== null ? this.memory.buffer : this.buffer;
    this.buffer = b;
    this.i32 = new Int32Array(b, POOL_AT, (b.byteLength - POOL_AT) >>> 2);
    this.u16 = new Uint16Array(b, POOL_AT, (b.byteLength - POOL_AT) >>> 1);
    this.values = new Int32Array(b, VALUES_AT, VALUES_WORDS);
    this.inI32 = new Int32Array(b, IO_IN_AT, IO_LANES);
    this.inU32 = new Uint32Array(b, IO_IN_AT, IO_LANES);
    this.inU8 = new Uint8Array(b, IO_IN_AT, IO_LANES * 16);
    this.out = new Int32Array(b, IO_OUT_AT, IO_LANES);
    this.outViews = [];
    for (let q = 0; q <= IO_LANES >>> 6; q++) this.outViews.push(new Int32Array(b, IO_OUT_AT, q << 6));
  }
}
