export * from './hook-point.js';
export { HookSite } from './hook-site.js';
export { HookRegistry, type HookListing, type HookPointOptions } from './hook-registry.js';
export { runHooks } from './run-hooks.js';
