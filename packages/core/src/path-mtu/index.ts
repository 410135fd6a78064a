// The path MTU cache IPv4 (RFC 1191) and IPv6 (RFC 8201) share: bounded, typed arrays, no allocation per lookup.
export { PathMtuCache, type PathMtuCacheOptions, type PathMtuInfo } from './path-mtu-cache.js';
