/**
 * A set of field paths stored as a trie (upstream fieldpath.Set): `members`
 * are paths that end at this node, `children` are subtrees. Operations return
 * new sets; `insert` is the only mutation and is meant for building.
 */
import type { FieldPath, PathElement } from './path-element.js';
import { comparePathElements, serializePathElement } from './path-element.js';

interface Child { readonly pe: PathElement; readonly set: FieldSet }

export class FieldSet {
  private readonly memberMap = new Map<string, PathElement>();
  private readonly childMap = new Map<string, Child>();

  static of(...paths: FieldPath[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path; the empty path (the root) cannot be a member and is ignored, as upstream. */
  insert(path: FieldPath): this {
    if (path.length === 0) return this;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.childFor(path[i]);
    node.memberMap.set(serializePathElement(path[path.length - 1]), path[path.length - 1]);
    return this;
  }

  /**
   * insert() with each element's serialized key given (`keys[i]` is
   * serializePathElement(path[i])); neither array is kept.
   */
  insertKeyed(path: readonly PathElement[], keys: readonly string[]): this {
    const n = path.length;
    if (n === 0) return this;
    let node: FieldSet = this;
    for (let i = 0; i < n - 1; i++) {
      let c = node.childMap.get(keys[i]);
      if (!c) { c = { pe: path[i], set: new FieldSet() }; node.childMap.set(keys[i], c); }
      node = c.set;
    }
    node.memberMap.set(keys[n - 1], path[n - 1]);
    return this;
  }

  /** The subtree under `pe`, created if missing (builder use only). */
  childFor(pe: PathElement): FieldSet {
    const k = serializePathElement(pe);
    let c = this.childMap.get(k);
    if (!c) { c = { pe, set: new FieldSet() }; this.childMap.set(k, c); }
    return c.set;
  }

  /** Puts `set` under `pe` (merged with what is there already; builder use only). */
  attachChild(pe: PathElement, set: FieldSet): void {
    const k = serializePathElement(pe);
    const c = this.childMap.get(k);
    this.childMap.set(k, { pe, set: c ? c.set.union(set) : set });
  }

  /** Adds `pe` as a member of this node. */
  insertMember(pe: PathElement): void {
    this.memberMap.set(serializePathElement(pe), pe);
  }

  has(path: FieldPath): boolean {
    if (path.length === 0) return false;
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.childMap.get(serializePathElement(path[i]))?.set;
    return !!node && node.memberMap.has(serializePathElement(path[path.length - 1]));
  }

  hasMember(pe: PathElement): boolean {
    return this.memberMap.has(serializePathElement(pe));
  }

  /** The paths below `pe` (relative to it); empty when there are none. */
  withPrefix(pe: PathElement): FieldSet {
    return this.childMap.get(serializePathElement(pe))?.set ?? EMPTY;
  }

  empty(): boolean {
    if (this.memberMap.size > 0) return false;
    for (const c of this.childMap.values()) if (!c.set.empty()) return false;
    return true;
  }

  /**
   * This node's entries in upstream order: each path element that is a
   * member, has a subtree, or both, with its serialized key. `child` may be
   * an empty set.
   */
  sortedNodes(): Array<{ key: string; pe: PathElement; member: boolean; child?: FieldSet }> {
    const out: Array<{ key: string; pe: PathElement; member: boolean; child?: FieldSet }> = [];
    for (const [key, pe] of this.memberMap) out.push({ key, pe, member: true, child: this.childMap.get(key)?.set });
    for (const [key, c] of this.childMap) if (!this.memberMap.has(key)) out.push({ key, pe: c.pe, member: false, child: c.set });
    if (out.length > 1) out.sort((a, b) => comparePathElements(a.pe, b.pe));
    return out;
  }

  /** Members in upstream order. */
  members(): PathElement[] {
    return [...this.memberMap.values()].sort(comparePathElements);
  }

  /** Non-empty children in upstream order. */
  children(): Array<{ pe: PathElement; set: FieldSet }> {
    return [...this.childMap.values()].filter((c) => !c.set.empty())
      .sort((a, b) => comparePathElements(a.pe, b.pe));
  }

  /** Every member path, in upstream order (a node before its subtree). */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    this.walk([], out);
    return out;
  }

  private walk(prefix: PathElement[], out: FieldPath[]): void {
    const ms = this.members(), cs = this.children();
    let i = 0, j = 0;
    while (i < ms.length || j < cs.length) {
      const c = i < ms.length && j < cs.length ? comparePathElements(ms[i], cs[j].pe) : i < ms.length ? -1 : 1;
      if (c <= 0) out.push([...prefix, ms[i++]]);
      if (c >= 0) { const ch = cs[j++]; ch.set.walk([...prefix, ch.pe], out); }
    }
  }

  size(): number {
    let n = this.memberMap.size;
    for (const c of this.childMap.values()) n += c.set.size();
    return n;
  }

  equals(o: FieldSet): boolean {
    return this.difference(o).empty() && o.difference(this).empty();
  }

  union(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const s of [this, o]) {
      for (const [k, pe] of s.memberMap) out.memberMap.set(k, pe);
    }
    const keys = new Set([...this.childMap.keys(), ...o.childMap.keys()]);
    for (const k of keys) {
      const a = this.childMap.get(k), b = o.childMap.get(k);
      const set = a && b ? a.set.union(b.set) : (a ?? b)!.set;
      if (!set.empty()) out.childMap.set(k, { pe: (a ?? b)!.pe, set });
    }
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.memberMap) if (o.memberMap.has(k)) out.memberMap.set(k, pe);
    for (const [k, a] of this.childMap) {
      const b = o.childMap.get(k);
      if (!b) continue;
      const set = a.set.intersection(b.set);
      if (!set.empty()) out.childMap.set(k, { pe: a.pe, set });
    }
    return out;
  }

  /** Paths in this set and not in `o` (a member of `o` removes only that path, not its subtree). */
  difference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.memberMap) if (!o.memberMap.has(k)) out.memberMap.set(k, pe);
    for (const [k, a] of this.childMap) {
      const b = o.childMap.get(k);
      const set = b ? a.set.difference(b.set) : a.set;
      if (!set.empty()) out.childMap.set(k, { pe: a.pe, set });
    }
    return out;
  }

  /** Like difference, but a member of `o` also removes everything below it (upstream RecursiveDifference). */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.memberMap) if (!o.memberMap.has(k)) out.memberMap.set(k, pe);
    for (const [k, a] of this.childMap) {
      if (o.memberMap.has(k)) continue;
      const b = o.childMap.get(k);
      const set = b ? a.set.recursiveDifference(b.set) : a.set;
      if (!set.empty()) out.childMap.set(k, { pe: a.pe, set });
    }
    return out;
  }

  /** Members that have no children: the leaf paths (upstream Set.Leaves). */
  leaves(): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.memberMap) {
      const c = this.childMap.get(k);
      if (!c || c.set.empty()) out.memberMap.set(k, pe);
    }
    for (const [k, c] of this.childMap) {
      const set = c.set.leaves();
      if (!set.empty()) out.childMap.set(k, { pe: c.pe, set });
    }
    return out;
  }

  /** Rebuilds the set, letting `fn` add members per node (used for EnsureNamedFieldsAreMembers). */
  mapNodes(fn: (node: FieldSet, out: FieldSet, path: FieldPath) => void, path: FieldPath = []): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.memberMap) out.memberMap.set(k, pe);
    for (const [k, c] of this.childMap) {
      const set = c.set.mapNodes(fn, [...path, c.pe]);
      if (!set.empty()) out.childMap.set(k, { pe: c.pe, set });
    }
    fn(this, out, path);
    return out;
  }
}

const EMPTY = new FieldSet();
