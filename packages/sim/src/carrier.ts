/** Told when a carrier goes up or down. @internal */
export interface CarrierListener {
  carrierChanged(up: boolean): void;
}

/**
 * The link state shared by everything on one wire: both ends of a cable, or a switch port and
 * the device plugged into it. Pulling it down is seen by all of them.
 * @internal
 */
export class Carrier {
  private readonly listeners: CarrierListener[] = [];

  constructor(private state: boolean) {}

  get up(): boolean {
    return this.state;
  }

  listen(listener: CarrierListener): void {
    this.listeners.push(listener);
  }

  set(up: boolean): void {
    if (this.state === up) return;
    this.state = up;
    for (const listener of this.listeners) listener.carrierChanged(up);
  }
}
