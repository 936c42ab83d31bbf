/**
 * A table looked up by the words people type ("critical", "resolve", "twenty", "morning").
 * Without a prototype: on a plain object literal every word named like one of
 * Object.prototype's properties (`constructor`, `toString`, `__proto__`...) was found, as a
 * function or an object, and went on as a severity, a status or a number: "constructor"
 * answered "List function Object() { [native code] }", "__proto__ incidents" answered 500
 * and "__proto__ incident 1" offered to reopen incident 1. Lookups and `in` now see only
 * the table's own words.
 */
export function wordTable<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
