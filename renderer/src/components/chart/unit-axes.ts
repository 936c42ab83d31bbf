import { unitOfName, type MetricUnit } from '../../../../shared/metrics/units.ts';
import type { SeriesData } from '../../features/metrics/series-data.ts';

export interface UnitAxis {
  unit: MetricUnit;
  /** Indexes into the chart's series drawn against this axis. */
  members: number[];
}

/** The unit a series is drawn in: what its caller says, else what its name says. */
export function seriesUnit(series: Pick<SeriesData, 'name' | 'unit'>): MetricUnit {
  return series.unit ?? unitOfName(series.name);
}

/**
 * How overlaid series share axes: one axis per unit, left then right, so CPU (%) and
 * memory (bytes) of one host can sit in one chart each on its own scale. Three units or
 * more cannot be read off two axes; they share one plain axis.
 */
export function unitAxes(series: readonly Pick<SeriesData, 'name' | 'unit'>[], forced?: MetricUnit): UnitAxis[] {
  if (forced) return [{ unit: forced, members: series.map((_, i) => i) }];
  const axes: UnitAxis[] = [];
  series.forEach((one, index) => {
    const unit = seriesUnit(one);
    const axis = axes.find((candidate) => candidate.unit === unit);
    if (axis) axis.members.push(index);
    else axes.push({ unit, members: [index] });
  });
  if (axes.length <= 2) return axes.length > 0 ? axes : [{ unit: 'none', members: [] }];
  return [{ unit: 'none', members: series.map((_, i) => i) }];
}
