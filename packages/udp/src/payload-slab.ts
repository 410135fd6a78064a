/** Payloads up to this size are copied into a shared slab; larger ones get their own buffer. */
const SMALL_PAYLOAD = 2048;
const SLAB_SIZE = 64 * 1024;

/**
 * Copies received payloads for the application. Small ones become views into a shared 64 KiB slab
 * (as Node's Buffer pool does), so a datagram costs one view object instead of a fresh
 * ArrayBuffer; a slab is freed once no message referring to it is alive. One per transport.
 */
export class PayloadSlab {
  private slab = new Uint8Array(0);
  private used = 0;

  copy(bytes: Uint8Array, offset: number, length: number): Uint8Array {
    if (length > SMALL_PAYLOAD) return bytes.slice(offset, offset + length);
    if (this.used + length > this.slab.length) {
      this.slab = new Uint8Array(SLAB_SIZE);
      this.used = 0;
    }
    const at = this.used;
    const slab = this.slab;
    if (length <= 64) {
      for (let i = 0; i < length; i++) slab[at + i] = bytes[offset + i];
    } else {
      slab.set(bytes.subarray(offset, offset + length), at);
    }
    // Keep views 8-byte aligned, so a reader may lay a wider typed array over one.
    this.used = (at + length + 7) & ~7;
    return slab.subarray(at, at + length);
  }
}
