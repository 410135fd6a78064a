/**
 * @stack/fib: many FIBs with IPv4 and IPv6 longest-prefix match at full-Internet-table scale.
 * Lookups run on Poptrie-style compressed multibit tries in typed arrays and never allocate.
 * @packageDocumentation
 */
export { FibSet, createRouteTables, type RouteTablesOptions, type FibMemory } from './route-tables.js';
export { fibModule, type FibModuleOptions } from './fib-module.js';
