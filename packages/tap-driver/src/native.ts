// Loading the native addon (build/Release/tap.node) and the shape of what it exports.
// This file is the only place that touches the file system; everything else sees `NativeBinding`,
// which tests replace with a fake.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `info()` of a native handle returns. @internal */
export interface NativeTapInfo {
  name: string;
  ifindex: number;
  /** The short interface flags (SIOCGIFFLAGS). */
  flags: number;
  mtu: number;
  mac: Uint8Array;
}

/** Options of the native handle's constructor. @internal */
export interface NativeTapHandleOptions {
  name: string;
  create: boolean;
  /** Path of a network namespace file (e.g. /run/netns/x), or '' for the caller's namespace. */
  netns: string;
  rxBuffer: ArrayBuffer;
  /** One slot per frame of a receive batch; its length is the batch size. */
  rxLengths: Uint32Array;
  /** Minimum free room in the receive slab before another read() is attempted. */
  rxSlot: number;
  txBuffer: ArrayBuffer;
  txLengths: Uint32Array;
  /** [0] frames failed in the last writeBatch, [1] last errno, [2] bytes written, [3] receive slot size (set by JavaScript; 0: rxSlot). */
  status: Int32Array;
  onRead: (count: number) => void;
  onWritable: () => void;
  onError: (errno: number) => void;
}

/** One open TAP descriptor, as the addon exposes it. @internal */
export interface NativeTapHandle {
  start(): void;
  setWantWritable(on: boolean): void;
  writeBatch(first: number, count: number, byteOffset: number): number;
  info(): NativeTapInfo;
  setMtu(mtu: number): void;
  setHardwareAddress(mac: Uint8Array): void;
  setUp(up: boolean): void;
  setRef(on: boolean): void;
  close(): void;
}

/** The addon's exports. @internal */
export interface NativeBinding {
  TapHandle: new (options: NativeTapHandleOptions) => NativeTapHandle;
  IFF_UP: number;
  IFF_RUNNING: number;
}

const PACKAGE_NAME = '@stack/tap-driver';
const ADDON = join('build', 'Release', 'tap.node');

/** Directory of this module, from the CJS build (`__dirname`), the ESM build or the sources. */
function moduleDir(): string {
  if (typeof __dirname === 'string') return __dirname;
  return dirname(fileURLToPath(import.meta.url));
}

/** The package root: the nearest directory upwards whose package.json is this package's. */
function packageRoot(): string | null {
  let dir = moduleDir();
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) {
          return dir;
        }
      } catch {
        // an unreadable manifest on the way up: keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The addon once loaded. A native module is loaded at most once per process anyway (Node keeps it
 * until exit), so this cache holds no per-stack state; it only spares later look-ups the file
 * system (and survives a concurrent rebuild of build/).
 */
let loaded: NativeBinding | undefined;

/** Loads the addon, or explains why it cannot. @internal */
export function tryLoadBinding(): { binding: NativeBinding } | { error: string } {
  if (loaded !== undefined) return { binding: loaded };
  if (process.platform !== 'linux') {
    return { error: `${PACKAGE_NAME}: TAP devices are Linux-only (platform ${process.platform})` };
  }
  const root = packageRoot();
  if (root === null) return { error: `${PACKAGE_NAME}: cannot find the package root` };
  const file = join(root, ADDON);
  if (!existsSync(file)) {
    return {
      error:
        `${PACKAGE_NAME}: the native addon is not built (${file} is missing); ` +
        `build it with \`npx node-gyp rebuild --nodedir=/usr\` in ${root}`,
    };
  }
  try {
    const binding = createRequire(join(root, 'package.json'))(file) as NativeBinding;
    loaded = binding;
    return { binding };
  } catch (e) {
    return { error: `${PACKAGE_NAME}: cannot load ${file}: ${(e as Error).message}` };
  }
}

/** Loads the addon or throws an Error explaining why not. @internal */
export function loadBinding(): NativeBinding {
  const r = tryLoadBinding();
  if ('error' in r) throw new Error(r.error);
  return r.binding;
}

/**
 * Why TAP devices cannot be used here (not Linux, addon not built or not loadable, no
 * `/dev/net/tun`), or null when they can.
 * @public
 */
export function tapUnavailableReason(): string | null {
  const r = tryLoadBinding();
  if ('error' in r) return r.error;
  if (!existsSync('/dev/net/tun')) return `${PACKAGE_NAME}: /dev/net/tun does not exist`;
  return null;
}
