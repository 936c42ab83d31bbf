import type { Labels } from './labels.ts';
import type { SeriesRef } from './store.ts';

/**
 * The series catalogue grouped by metric name, kept in step with it by the store that owns
 * the catalogue (add when a series is remembered, remove when it is forgotten), so a
 * selector with an exact name (`cpu{...}`) tests only that name's series instead of every
 * series of a wide server. Each name's series stay in the order they were added: the order
 * a scan of the catalogue (a Map in insertion order) gives them.
 */
export class SeriesByName {
  readonly #byName = new Map<string, SeriesRef[]>();

  add(ref: SeriesRef): void {
    const list = this.#byName.get(ref.name);
    if (list) list.push(ref);
    else this.#byName.set(ref.name, [ref]);
  }

  /** Forgets a series (rare: an append rolled back), keeping the others' order. */
  remove(ref: SeriesRef): void {
    const list = this.#byName.get(ref.name);
    const at = list?.findIndex((s) => s.id === ref.id) ?? -1;
    if (at < 0) return;
    list!.splice(at, 1);
    if (list!.length === 0) this.#byName.delete(ref.name);
  }

  /** The series of that name (a new array), or those of them the predicate accepts. */
  named(name: string, predicate?: (name: string, labels: Readonly<Labels>) => boolean): SeriesRef[] {
    const list = this.#byName.get(name);
    if (!list) return [];
    return predicate ? list.filter((s) => predicate(s.name, s.labels)) : list.slice();
  }
}
