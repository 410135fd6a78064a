export { ByteView, isValidRegion } from './byte-view.js';
