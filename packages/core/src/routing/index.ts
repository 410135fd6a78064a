// Routing helpers shared by the network protocols.
export { ConnectedRoutes } from './connected-routes.js';
export { requestFib } from './request-fib.js';
