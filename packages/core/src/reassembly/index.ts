// The family-independent half of IP reassembly: bounded slots, fragment ranges, payload blocks.
export { ReassemblySlot } from './reassembly-slot.js';
export { FragmentResult, ReassemblyStore, type ReassemblyCounters, type ReassemblyLimits, type ReassemblyUsage } from './reassembly-store.js';
