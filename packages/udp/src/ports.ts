/** The dynamic (ephemeral) port range (RFC 6335 §6). */
export const EPHEMERAL_FIRST = 49152;
export const EPHEMERAL_LAST = 65535;

/**
 * Picks ephemeral ports: walks the range from a moving cursor and takes the first port `inUse`
 * refuses, so consecutive sockets get different ports. Returns 0 when the range is exhausted.
 */
export class EphemeralPorts {
  private cursor: number;

  constructor(seed: number) {
    this.cursor = EPHEMERAL_FIRST + (Math.abs(Math.floor(seed)) % (EPHEMERAL_LAST - EPHEMERAL_FIRST + 1));
  }

  next(inUse: (port: number) => boolean): number {
    const size = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    for (let i = 0; i < size; i++) {
      const port = this.cursor;
      this.cursor = port === EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
      if (!inUse(port)) return port;
    }
    return 0;
  }
}
