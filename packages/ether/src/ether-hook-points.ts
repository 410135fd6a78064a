import { defineHookPoint, type PacketBuffer } from '@stack/core';

/**
 * `ether.pre-input`: runs on every received frame the destination filter accepted, before the
 * header is pulled (`buf` starts at the destination MAC; `buf.linkFlags` and `buf.linkProtocol`
 * are set). A dropped frame is released by the layer.
 * @public
 */
export const EtherPreInputHook = defineHookPoint<PacketBuffer>('ether', 'pre-input');

/**
 * `ether.output`: runs on every complete frame (header prepended, padded) just before it is
 * handed to the interface. A dropped frame is released by the layer.
 * @public
 */
export const EtherOutputHook = defineHookPoint<PacketBuffer>('ether', 'output');
