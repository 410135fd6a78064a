import { sha256 } from './sha256.js';
import { utf8Bytes } from './utf8.js';

/**
 * The modified EUI-64 interface identifier of a 48-bit MAC (RFC 4291 Appendix A): ff:fe in the
 * middle and the universal/local bit inverted.
 * @internal
 */
export function eui64InterfaceId(mac: Uint8Array): Uint8Array {
  if (mac.length !== 6) throw new RangeError(`EUI-64 needs a 6-byte MAC, got ${mac.length} bytes`);
  return Uint8Array.of(mac[0] ^ 0x02, mac[1], mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5]);
}

/**
 * Whether the interface identifier of the IPv6 address `bytes` (its last 64 bits) is the modified
 * EUI-64 of the 48-bit `mac`: an identifier derived from the hardware address.
 * @internal
 */
export function isHardwareDerived(bytes: Uint8Array, mac: Uint8Array | null): boolean {
  if (mac === null || mac.length !== 6) return false;
  const iid = eui64InterfaceId(mac);
  for (let i = 0; i < 8; i++) if (bytes[8 + i] !== iid[i]) return false;
  return true;
}

/**
 * Whether a 64-bit interface identifier is reserved (RFC 5453 §3 and the IANA registry): the
 * subnet-router anycast all-zero identifier, the reserved subnet anycast range
 * fdff:ffff:ffff:ff80–ffff, and the proxy-mobile range 0200:5eff:fe00:0000–5212.
 * @internal
 */
export function isReservedInterfaceId(iid: Uint8Array): boolean {
  if (iid.every((b) => b === 0)) return true;
  if (iid[0] === 0xfd && iid[1] === 0xff && iid[2] === 0xff && iid[3] === 0xff && iid[4] === 0xff && iid[5] === 0xff && iid[6] === 0xff && iid[7] >= 0x80) return true;
  if (iid[0] === 0x02 && iid[1] === 0x00 && iid[2] === 0x5e && iid[3] === 0xff && iid[4] === 0xfe && iid[5] === 0x00) {
    const tail = (iid[6] << 8) | iid[7];
    if (tail <= 0x5212) return true;
  }
  return false;
}

/**
 * A stable, semantically opaque interface identifier (RFC 7217 §5):
 * RID = F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret_key) with F = SHA-256 over their
 * concatenation, the identifier being the first 64 bits. A reserved result moves on to the next
 * DAD_Counter (§5, last paragraph). Returns the identifier and the counter that produced it.
 * @internal
 */
export function stableInterfaceId(
  prefix: Uint8Array,
  netIface: string,
  dadCounter: number,
  secret: Uint8Array,
  networkId: Uint8Array = new Uint8Array(0),
): { iid: Uint8Array; dadCounter: number } {
  const iface = utf8Bytes(netIface);
  for (let counter = dadCounter; ; counter++) {
    const input = new Uint8Array(8 + iface.length + networkId.length + 1 + secret.length);
    let at = 0;
    input.set(prefix.subarray(0, 8), at);
    input.set(iface, (at += 8));
    input.set(networkId, (at += iface.length));
    input[(at += networkId.length)] = counter & 0xff;
    input.set(secret, at + 1);
    const iid = sha256(input).subarray(0, 8);
    if (!isReservedInterfaceId(iid)) return { iid: iid.slice(), dadCounter: counter };
  }
}
