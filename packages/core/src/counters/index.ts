export { Counter } from './counter.js';
export { isValidCounterName } from './counter-name.js';
export { Counters, type CounterInfo } from './counters.js';
export { InterfaceCounters } from './interface-counters.js';
