// Routing helpers shared by the network protocols.
export { ConnectedRoutes } from './connected-routes.js';
export { requestFib, routingFib } from './request-fib.js';
export { flowHash4, flowHash6, flowPorts, randomFlowHashSeed } from './flow-hash.js';
