import type { SeriesRef } from '../metrics/store.ts';

/**
 * Families that are constant by convention, so a model learns nothing from them: `_info`
 * (value 1, the facts are in the labels), kube-state-metrics' `_labels` and `_annotations`
 * (1), and creation times (`_created`, `_created_timestamp`: one value for the object's life).
 */
const CONSTANT_BY_CONVENTION = /_(info|labels|annotations|created|created_timestamp)$/;

/**
 * The series of a target that scoring reads and a model takes. A target with at most `most`
 * (maxDetectorMetrics, 84) series: all of them. A wider one (kube-state-metrics is one
 * `instance` of ~20,000 series; a node_exporter has hundreds): `most` of them, chosen from
 * the catalogue alone, so nothing but them is ever read:
 * 1. the series whose metric keys are in `keep` (what the target's model or window already
 *    holds), so the choice is stable while the series exist;
 * 2. then the others, taken in turn from each metric name (sorted; within a name by key), so
 *    every family has a say rather than the first name in the alphabet taking all 84 (which
 *    is what a choice by name did): first the series sampled at the target's newest time
 *    (`latest`; a deleted pod's series stay in the catalogue until retention), families
 *    constant by convention after the others, then the series no longer sampled.
 * Returned in the catalogue's order.
 */
export function scoredSeries(all: readonly SeriesRef[], keyOf: (ref: SeriesRef) => string, keep: ReadonlySet<string>, most: number, latest: (ref: SeriesRef) => number | undefined): SeriesRef[] {
  if (all.length <= most) return [...all];
  const chosen = new Set<SeriesRef>();
  for (const ref of all) if (chosen.size < most && keep.has(keyOf(ref))) chosen.add(ref);
  let newest = -Infinity;
  for (const ref of all) newest = Math.max(newest, latest(ref) ?? -Infinity);
  const tierOf = (ref: SeriesRef) => (latest(ref) === newest ? 0 : 2) + (CONSTANT_BY_CONVENTION.test(ref.name) ? 1 : 0);
  for (const tier of [0, 1, 2, 3]) {
    const byName = new Map<string, SeriesRef[]>();
    for (const ref of all) {
      if (chosen.has(ref) || tierOf(ref) !== tier) continue;
      let refs = byName.get(ref.name);
      if (!refs) byName.set(ref.name, (refs = []));
      refs.push(ref);
    }
    const names = [...byName.keys()].sort();
    const keyed = names.map((name) => byName.get(name)!.map((ref) => ({ ref, key: keyOf(ref) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
    for (let turn = 0; chosen.size < most; turn++) {
      let took = false;
      for (const refs of keyed) {
        if (turn < refs.length && chosen.size < most) {
          chosen.add(refs[turn]!.ref);
          took = true;
        }
      }
      if (!took) break;
    }
  }
  return all.filter((ref) => chosen.has(ref));
}
