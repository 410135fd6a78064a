/**
 * A minimal WebAssembly binary writer: enough to emit a module that imports one memory and
 * exports a few i32 functions. The lookup loops are written with it at run time, so the package
 * ships no binary blob and no build step (spec: WebAssembly Core Specification 2.0, §5 "Binary
 * Format").
 */

/** Value type i32 (§5.3.1). */
export const I32 = 0x7f;

/** Opcodes used by the lookup code (§5.4). */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i32Load8u: 0x2d,
  i32Load16u: 0x2f,
  i32Store: 0x36,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32GtU: 0x4b,
  i32LeS: 0x4c,
  i32GeS: 0x4e,
  i32GeU: 0x4f,
  i32Clz: 0x67,
  i32Popcnt: 0x69,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Xor: 0x73,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
  i32Rotl: 0x77,
} as const;

/** Block type of a block that yields nothing (§5.3.5). */
export const VOID = 0x40;

function unsignedLeb(out: number[], v: number): void {
  for (;;) {
    const b = v & 0x7f;
    v >>>= 7;
    if (v === 0) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

function signedLeb(out: number[], v: number): void {
  v |= 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return;
  }
}

/** The body of one function, written instruction by instruction. */
export class CodeWriter {
  readonly bytes: number[] = [];

  /** An instruction without immediates. */
  op(...codes: number[]): this {
    for (const c of codes) this.bytes.push(c);
    return this;
  }

  get(local: number): this {
    this.bytes.push(Op.localGet);
    unsignedLeb(this.bytes, local);
    return this;
  }

  set(local: number): this {
    this.bytes.push(Op.localSet);
    unsignedLeb(this.bytes, local);
    return this;
  }

  tee(local: number): this {
    this.bytes.push(Op.localTee);
    unsignedLeb(this.bytes, local);
    return this;
  }

  const(v: number): this {
    this.bytes.push(Op.i32Const);
    signedLeb(this.bytes, v);
    return this;
  }

  /** A load or store with its alignment (log2 bytes) and static byte offset (§5.4.6 memarg). */
  mem(code: number, align: number, offset: number): this {
    this.bytes.push(code);
    unsignedLeb(this.bytes, align);
    unsignedLeb(this.bytes, offset);
    return this;
  }

  /** `block`, `loop` or `if` with a block type. */
  begin(code: number, type: number = VOID): this {
    this.bytes.push(code, type);
    return this;
  }

  /** `br` or `br_if` to the label `depth` levels out. */
  branch(code: number, depth: number): this {
    this.bytes.push(code);
    unsignedLeb(this.bytes, depth);
    return this;
  }

  call(index: number): this {
    this.bytes.push(Op.call);
    unsignedLeb(this.bytes, index);
    return this;
  }
}

/** One function of a module: i32 parameters, i32 results, i32 locals beyond the parameters. */
export interface FunctionSpec {
  readonly name: string;
  readonly params: number;
  readonly results: number;
  readonly locals: number;
  readonly code: CodeWriter;
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  unsignedLeb(out, body.length);
  for (const b of body) out.push(b);
}

function name(out: number[], s: string): void {
  unsignedLeb(out, s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/** A module importing `env.memory` (at least `minPages` pages) and exporting `functions` by name. */
export function encodeModule(functions: readonly FunctionSpec[], minPages: number): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // Type section: one signature per function (duplicates are allowed).
  const types: number[] = [];
  unsignedLeb(types, functions.length);
  for (const f of functions) {
    types.push(0x60);
    unsignedLeb(types, f.params);
    for (let i = 0; i < f.params; i++) types.push(I32);
    unsignedLeb(types, f.results);
    for (let i = 0; i < f.results; i++) types.push(I32);
  }
  section(out, 1, types);
  // Import section: env.memory, limits with a minimum only.
  const imports: number[] = [1];
  name(imports, 'env');
  name(imports, 'memory');
  imports.push(0x02, 0x00);
  unsignedLeb(imports, minPages);
  section(out, 2, imports);
  const funcs: number[] = [];
  unsignedLeb(funcs, functions.length);
  for (let i = 0; i < functions.length; i++) unsignedLeb(funcs, i);
  section(out, 3, funcs);
  const exports: number[] = [];
  unsignedLeb(exports, functions.length);
  functions.forEach((f, i) => {
    name(exports, f.name);
    exports.push(0x00);
    unsignedLeb(exports, i);
  });
  section(out, 7, exports);
  const code: number[] = [];
  unsignedLeb(code, functions.length);
  for (const f of functions) {
    const body: number[] = [];
    if (f.locals > 0) {
      body.push(1);
      unsignedLeb(body, f.locals);
      body.push(I32);
    } else {
      body.push(0);
    }
    for (const b of f.code.bytes) body.push(b);
    body.push(Op.end);
    unsignedLeb(code, body.length);
    for (const b of body) code.push(b);
  }
  section(out, 10, code);
  return Uint8Array.from(out);
}
