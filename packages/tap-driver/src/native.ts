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

/** Slots of the status array shared with the addon (an `Int32Array`). @internal */
export const Status = {
  /** Frames that failed in the last `writeFrames()` call. */
  TX_FAILED: 0,
  /** errno of the last failed write. */
  LAST_ERRNO: 1,
  /** Bytes written by the last `writeFrames()` call. */
  TX_BYTES: 2,
  /** First posted receive slot (JavaScript sets it). */
  RX_HEAD: 3,
  /** Receive slots posted from RX_HEAD on (JavaScript sets it). */
  RX_POSTED: 4,
  /** Frames read for want of a posted buffer, hence dropped (the addon adds, JavaScript clears). */
  RX_DROPPED: 5,
  /** Length of the status array. */
  LENGTH: 8,
} as const;

/** Size of the addon's scratch area: the longest frame a TAP can deliver, and then some. @internal */
export const SCRATCH_BYTES = 65600;

/** Options of the native handle's constructor. @internal */
export interface NativeTapHandleOptions {
  name: string;
  create: boolean;
  /** Path of a network namespace file (e.g. /run/netns/x), or '' for the caller's namespace. */
  netns: string;
  /**
   * At least {@link SCRATCH_BYTES}: where the tail of a frame longer than its receive buffer goes,
   * and frames read while no buffer is posted.
   */
  scratch: ArrayBuffer;
  /** Lengths of the frames of one wake-up, in order. Its length is the batch size, as for all arrays below. */
  rxLengths: Uint32Array;
  /** Per receive slot: offset in the posted buffer where the frame goes. */
  rxStarts: Uint32Array;
  /** Per receive slot: bytes of the posted buffer available to the frame. */
  rxRooms: Uint32Array;
  /** Per frame of a `writeFrames()` call: offset of the frame in its buffer. */
  txStarts: Uint32Array;
  /** Per frame of a `writeFrames()` call: its length; the addon sets it to 0 when the write failed. */
  txLengths: Uint32Array;
  /** See {@link Status}. */
  status: Int32Array;
  /** Frames were read into the posted slots RX_HEAD, RX_HEAD+1, ... (`count` of them; 0: only drops). */
  onRead: (count: number) => void;
  onWritable: () => void;
  onError: (errno: number) => void;
}

/** One open TAP descriptor, as the addon exposes it. @internal */
export interface NativeTapHandle {
  start(): void;
  /** Stop polling for both directions; the descriptor stays open. */
  stop(): void;
  setWantWritable(on: boolean): void;
  /** Post receive buffers into slots first, first+1, ... (offsets and rooms in rxStarts/rxRooms). */
  post(first: number, count: number, ...buffers: Uint8Array[]): void;
  /** Write frames i < count from buffers[i] (offsets and lengths in txStarts/txLengths). */
  writeFrames(count: number, ...buffers: Uint8Array[]): number;
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
