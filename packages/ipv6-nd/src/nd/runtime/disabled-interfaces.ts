/**
 * The interfaces on which IPv6 operation is disabled because another node holds their
 * hardware-derived link-local address (RFC 4862 §5.4.5): ND sends and receives nothing there, and
 * the interface's addresses are held unusable, until the hardware address changes or DAD is run
 * again through the control service.
 * @internal
 */
export class DisabledInterfaces {
  private readonly indexes = new Set<number>();

  has(ifindex: number): boolean {
    return this.indexes.size !== 0 && this.indexes.has(ifindex);
  }

  /** Returns false when it was disabled already. */
  add(ifindex: number): boolean {
    if (this.indexes.has(ifindex)) return false;
    this.indexes.add(ifindex);
    return true;
  }

  /** Returns false when it was not disabled. */
  delete(ifindex: number): boolean {
    return this.indexes.delete(ifindex);
  }

  clear(): void {
    this.indexes.clear();
  }
}
