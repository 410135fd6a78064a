// The family-independent half of the IcmpEcho service (contracts/echo.ts).
export { EchoListeners, checkEchoField } from './echo-listeners.js';
export { echoRequestSize, writeEchoData } from './echo-request.js';
