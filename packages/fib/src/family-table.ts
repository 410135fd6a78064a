import { LpmTrie } from './lpm-trie.js';
import { PrefixStore } from './prefix-store.js';

/** The routes of one family in one FIB: the control-plane store and the lookup trie built from it. */
export class FamilyTable {
  readonly store: PrefixStore;
  readonly trie: LpmTrie;

  constructor(words: number, topBits: number) {
    this.store = new PrefixStore(words, topBits);
    this.trie = new LpmTrie(this.store);
  }
}

/** One numbered FIB. */
export class Fib {
  readonly id: number;
  readonly v4: FamilyTable;
  readonly v6: FamilyTable;

  constructor(id: number, v4TopBits: number, v6TopBits: number) {
    this.id = id;
    this.v4 = new FamilyTable(1, v4TopBits);
    this.v6 = new FamilyTable(4, v6TopBits);
  }
}
