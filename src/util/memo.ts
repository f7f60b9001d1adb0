/**
 * A function of an immutable object, computed once per object (kept as long as the object lives). For work
 * every evaluation of a script asks for again: its segments, queries, policy ids.
 */
export function memoByObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const known = new WeakMap<K, V>();
  return (key) => {
    if (known.has(key)) return known.get(key) as V;
    const value = compute(key);
    known.set(key, value);
    return value;
  };
}
