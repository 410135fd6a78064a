import { FamilyTable } from './family-table.js';
import type { LookupModules } from './lookup-memory.js';
import type { RouteSetTable } from './route-sets.js';

/** One numbered FIB: its IPv4 and IPv6 tables. */
export class Fib {
  readonly id: number;
  readonly v4: FamilyTable;
  readonly v6: FamilyTable;

  /** `modules` null: JavaScript lookups only. */
  constructor(id: number, v4TopBits: number, v6TopBits: number, sets: RouteSetTable, modules: LookupModules | null) {
    this.id = id;
    this.v4 = new FamilyTable(1, v4TopBits, sets, modules === null ? null : modules.get(1, v4TopBits));
    this.v6 = new FamilyTable(4, v6TopBits, sets, modules === null ? null : modules.get(4, v6TopBits));
  }
}
