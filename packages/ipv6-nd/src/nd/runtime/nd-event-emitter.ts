import type { Stack } from '@stack/core';
import { type NdEvent, NdEvents } from '../nd-events.js';

/** Emits `'ND'` events, building them only when someone listens. @internal */
export class NdEventEmitter {
  constructor(private readonly stack: Stack) {}

  emit(build: () => NdEvent): void {
    if (this.stack.events.hasListeners(NdEvents)) this.stack.events.emit(NdEvents, build());
  }
}
