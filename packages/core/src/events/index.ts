export { defineEvent, type EventKey, type StackEvent } from './stack-event.js';
export { EventBus, type EventBusOptions, type EventStreamOptions } from './event-bus.js';
export type { EventStream } from './event-stream.js';
