/** A node of the ordering problem: an id, its constraints and its registration sequence. */
export interface OrderNode {
  readonly id: string;
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly seq: number;
}

/**
 * Orders hooks so every `before`/`after` constraint between present ids holds, breaking ties by
 * registration order (VPP feature arcs). Returns the ordered ids, or the ids left in a cycle.
 */
export function orderHooks(nodes: readonly OrderNode[]): { order: string[] } | { cycle: string[] } {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const successors = new Map<string, Set<string>>();
  const indegree = new Map<string, number>();
  for (const n of nodes) {
    successors.set(n.id, new Set());
    indegree.set(n.id, 0);
  }
  const edge = (from: string, to: string): void => {
    if (!byId.has(from) || !byId.has(to) || from === to) return;
    const set = successors.get(from)!;
    if (set.has(to)) return;
    set.add(to);
    indegree.set(to, indegree.get(to)! + 1);
  };
  for (const n of nodes) {
    for (const b of n.before) edge(n.id, b);
    for (const a of n.after) edge(a, n.id);
  }
  // Kahn's algorithm; the ready set is kept sorted by registration sequence.
  const ready = nodes.filter((n) => indegree.get(n.id) === 0).sort((a, b) => a.seq - b.seq);
  const order: string[] = [];
  while (ready.length > 0) {
    const n = ready.shift()!;
    order.push(n.id);
    for (const s of successors.get(n.id)!) {
      const d = indegree.get(s)! - 1;
      indegree.set(s, d);
      if (d === 0) {
        const node = byId.get(s)!;
        let i = 0;
        while (i < ready.length && ready[i].seq < node.seq) i++;
        ready.splice(i, 0, node);
      }
    }
  }
  if (order.length < nodes.length) {
    const placed = new Set(order);
    return { cycle: nodes.filter((n) => !placed.has(n.id)).map((n) => n.id) };
  }
  return { order };
}

/**
 * Applies an administrator's explicit order (pfilctl): the ids it lists come first in that order,
 * the rest follow in their default order.
 */
export function applyExplicitOrder(defaultOrder: readonly string[], explicit: readonly string[] | undefined): string[] {
  if (!explicit || explicit.length === 0) return [...defaultOrder];
  const present = new Set(defaultOrder);
  const head = explicit.filter((id) => present.has(id));
  const listed = new Set(head);
  return [...head, ...defaultOrder.filter((id) => !listed.has(id))];
}
