/** Composite ids: `<parentId>/<childId>`, as `get` and the state hold them. */

/** Joins the parts of a composite id, e.g. `<projectId>/<goalId>`. */
export function joinId(...parts: string[]): string {
  return parts.join("/");
}

/**
 * Splits a composite id. The last part takes whatever remains, so it may itself contain
 * slashes (tag names can).
 */
export function splitId<K extends string>(resource: string, id: string, names: readonly K[]): Record<K, string> {
  const parts = id.split("/");
  if (parts.length < names.length || parts.slice(0, names.length).some((p) => p === "")) {
    throw new Error(`${resource} id "${id}" is not of the form ${names.map((n) => `<${n}>`).join("/")}`);
  }
  const out = {} as Record<K, string>;
  names.forEach((name, i) => {
    out[name] = i === names.length - 1 ? parts.slice(i).join("/") : parts[i];
  });
  return out;
}

/** The composite id of one kind: its parts by name, in order. */
export interface CompositeId<K extends string> {
  /** The parts' names, in order. */
  readonly names: readonly K[];
  /** The parts of `id`; throws when it is not of the form. */
  split(id: string): Record<K, string>;
  /** The parts as `props` records them, or else as `id` holds them (a `get` records nothing). */
  of(id: string, props: Partial<Record<K, string>>): Record<K, string>;
}

/** E.g. `compositeId("Goal", "projectId", "goalId")` for ids `<projectId>/<goalId>`. */
export function compositeId<K extends string>(resource: string, ...names: K[]): CompositeId<K> {
  const split = (id: string) => splitId(resource, id, names);
  return {
    names,
    split,
    of(id, props) {
      const recorded: Partial<Record<K, string>> = {};
      for (const name of names) {
        const part = props[name];
        if (!part) return split(id);
        recorded[name] = part;
      }
      // Every part was recorded.
      return recorded as Record<K, string>;
    },
  };
}

/** Domino ids are hexadecimal: the same id in another case is the same object. */
export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
