import type { EchoRequest } from '../contracts/echo.js';
import { checkEchoField } from './echo-listeners.js';

/** Echo data `ping` sends by default. */
const DEFAULT_ECHO_SIZE = 56;

/**
 * Checks the identifier, sequence and data size of an echo request (at most `maxSize` data bytes)
 * and returns the size: that of `data` when given, else `size`, else 56 as `ping` sends.
 * @public
 */
export function echoRequestSize(request: EchoRequest, maxSize: number): number {
  checkEchoField('identifier', request.identifier, 0xffff);
  checkEchoField('sequence', request.sequence, 0xffff);
  const size = request.data?.length ?? request.size ?? DEFAULT_ECHO_SIZE;
  checkEchoField('size', size, maxSize);
  return size;
}

/**
 * Writes the echo data of `request` at `out[at..at+size)`: its `data`, else the bytes 0, 1, 2, …
 * @public
 */
export function writeEchoData(request: EchoRequest, out: Uint8Array, at: number, size: number): void {
  if (request.data !== undefined) out.set(request.data, at);
  else for (let i = 0; i < size; i++) out[at + i] = i & 0xff;
}
