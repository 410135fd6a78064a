import { PacketPool, type PacketBuffer } from '@stack/core';
import { TapDriver, resolveTapOptions } from '../../../packages/tap-driver/src/driver.js';
for (const size of [64, 1500]) {
  const handles: any[] = [];
  const binding: any = { IFF_UP: 1, IFF_RUNNING: 0x40, TapHandle: class { constructor(public o: any) { handles.push(this); }
    start() {} setWantWritable() {} writeBatch(f: number, c: number) { this.o.status[0] = 0; this.o.status[2] = c * size; return c; }
    info() { return { name: 'x', ifindex: 1, flags: 0x41, mtu: 1500, mac: new Uint8Array(6) }; } setRef() {} close() {} setMtu() {} setUp() {} setHardwareAddress() {} } };
  const opts = resolveTapOptions({ name: 'x', linkPollInterval: 0 });
  const d = new TapDriver(binding, opts);
  const pool = new PacketPool();
  const template = new Uint8Array(size).fill(7);
  const out: PacketBuffer[] = new Array(128);
  for (const mode of ['alloc+fill+send', 'alloc+fill only']) {
    const t0 = performance.now(); let n = 0;
    while (performance.now() - t0 < 1000) {
      for (let i = 0; i < 128; i++) { const b = pool.alloc(size, 0); b.data.set(template, b.append(size)); out[i] = b; }
      if (mode === 'alloc+fill+send') d.send(out, 128); else for (let i = 0; i < 128; i++) out[i].release();
      n += 128;
    }
    console.log(size, mode, (n / ((performance.now() - t0) / 1000) / 1e6).toFixed(2), 'M frames/s');
  }
  // rx side: onRead with count 128
  const sink = { allocate: (l: number) => pool.alloc(l, 0), receive: (f: readonly PacketBuffer[], c: number) => { for (let i = 0; i < c; i++) f[i].release(); }, linkStateChanged() {} };
  d.start(sink);
  const h = handles[0]; h.o.rxLengths.fill(size);
  const t0 = performance.now(); let n = 0;
  while (performance.now() - t0 < 1000) { h.o.onRead(128); n += 128; }
  console.log(size, 'rx js', (n / ((performance.now() - t0) / 1000) / 1e6).toFixed(2), 'M frames/s');
}
