// The Internet checksum (RFC 1071), pseudo-headers, and RFC 1624 incremental updates.
export { foldChecksum, foldSum } from './fold.js';
export { onesComplementSum, onesComplementSumAt } from './ones-complement-sum.js';
export { WordView } from './word-view.js';
export { internetChecksum, verifyChecksum } from './internet-checksum.js';
export { pseudoHeaderSum4, pseudoHeaderSum6 } from './pseudo-header.js';
export { incrementalUpdate16, incrementalUpdate32 } from './incremental-update.js';
