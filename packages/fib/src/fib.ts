import { FamilyTable } from './family-table.js';
import type { RouteSetTable } from './route-sets.js';

/** One numbered FIB: its IPv4 and IPv6 tables. */
export class Fib {
  readonly id: number;
  readonly v4: FamilyTable;
  readonly v6: FamilyTable;

  constructor(id: number, v4TopBits: number, v6TopBits: number, sets: RouteSetTable) {
    this.id = id;
    this.v4 = new FamilyTable(1, v4TopBits, sets);
    this.v6 = new FamilyTable(4, v6TopBits, sets);
  }
}
