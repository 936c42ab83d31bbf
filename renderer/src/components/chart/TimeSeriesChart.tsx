import { memo, useCallback, useMemo, useState } from 'react';
import { AxisBottom, AxisLeft, AxisRight } from '@visx/axis';
import { GridRows } from '@visx/grid';
import { Group } from '@visx/group';
import { scaleLinear, scaleTime } from '@visx/scale';
import type { SeriesData } from '../../features/metrics/series-data.ts';
import { seriesTitle } from '../../features/metrics/series-data.ts';
import { formatTimeTicks, formatTime, timeZoneLabel } from '../../lib/format.ts';
import { formatTicks, formatUnit, type MetricUnit } from '../../../../shared/metrics/units.ts';
import { extents, linePath, nearestIndex } from './geometry.ts';
import { unitAxes } from './unit-axes.ts';
import { seriesColor } from './palette.ts';
import { useDragRange } from './useDragRange.ts';
import { ChartTooltip, type TooltipRow } from './ChartTooltip.tsx';

/** A time interval the anomaly engine scored above its threshold; opacity follows the score. */
export interface AnomalyBand {
  from: number;
  to: number;
  /** 0..1; higher is drawn stronger. */
  score?: number;
}

export interface ChartMarker {
  ts: number;
  label: string;
  color?: string;
}

export interface TimeSeriesChartProps {
  series: readonly SeriesData[];
  width: number;
  height: number;
  /** What the chart shows, for screen readers. */
  title: string;
  /** Fixed time domain (the selected range); defaults to the data's extent. */
  from?: number;
  to?: number;
  bands?: readonly AnomalyBand[];
  markers?: readonly ChartMarker[];
  /** Brush to zoom: called with the selected times. */
  onBrush?: (from: number, to: number) => void;
  /** Sparkline: no axes or grid; the tooltip stays. */
  compact?: boolean;
  /** One unit for every series; by default each series' own (shared/metrics/units.ts), two units on two axes. */
  unit?: MetricUnit;
}

const MARGIN = { top: 10, right: 14, bottom: 44, left: 52 };
/** Right margin when a second unit gets its own axis. */
const RIGHT_AXIS_MARGIN = 60;
const COMPACT_MARGIN = { top: 2, right: 2, bottom: 2, left: 2 };
/** An 11 px label's characters are about 6.2 px wide; the tick and a gap take 12 px more. */
function labelRoom(labels: readonly string[] = []): number {
  return Math.ceil(Math.max(0, ...labels.map((label) => label.length)) * 6.2 + 12);
}
const MAX_TOOLTIP_ROWS = 8;

/**
 * The one time-series chart of the console (overview sparklines, explorer, anomaly and
 * incident charts). Each series is a single SVG path built in one pass, so 50 series of a
 * thousand points draw in a few milliseconds; callers ask the server for no more points
 * than the chart has pixels.
 */
export const TimeSeriesChart = memo(function TimeSeriesChart(props: TimeSeriesChartProps) {
  const { series, width, height, title, bands = [], markers = [], onBrush, compact = false } = props;
  const axes = useMemo(() => unitAxes(series, props.unit), [series, props.unit]);
  const dual = axes.length === 2 && !compact;
  const frame = compact ? COMPACT_MARGIN : MARGIN;
  const innerHeight = Math.max(0, height - frame.top - frame.bottom);
  const [hoverX, setHoverX] = useState<number | null>(null);

  const domain = useMemo(() => extents(series), [series]);
  // One value scale per axis; each series is drawn against its unit's scale.
  const yScales = useMemo(
    () =>
      axes.map((axis) => {
        const own = extents(axis.members.map((i) => series[i]).filter((one): one is SeriesData => one !== undefined));
        return scaleLinear<number>({ domain: [own?.y.min ?? 0, own?.y.max ?? 1], range: [innerHeight, 0], nice: !compact });
      }),
    [axes, series, innerHeight, compact],
  );
  const yTicks = useMemo(
    () =>
      yScales.map((scale, a) => {
        const ticks = scale.ticks(5);
        return { values: ticks, labels: formatTicks(ticks, axes[a]?.unit ?? 'none') };
      }),
    [yScales, axes],
  );
  // Wide enough for the longest value label: "1.26 GiB" lost its first digit in 52 px.
  const margin = compact
    ? COMPACT_MARGIN
    : { ...MARGIN, left: Math.max(MARGIN.left, labelRoom(yTicks[0]?.labels)), right: dual ? Math.max(RIGHT_AXIS_MARGIN, labelRoom(yTicks[1]?.labels)) : MARGIN.right };
  const innerWidth = Math.max(0, width - margin.left - margin.right);
  const axisOf = useMemo(() => {
    const byIndex = new Map<number, number>();
    axes.forEach((axis, a) => axis.members.forEach((i) => byIndex.set(i, a)));
    return byIndex;
  }, [axes]);
  const xScale = useMemo(() => {
    const x0 = props.from ?? domain?.x.min ?? Date.now() - 3_600_000;
    const x1 = props.to ?? domain?.x.max ?? Date.now();
    return scaleTime<number>({ domain: [x0, x1 > x0 ? x1 : x0 + 1], range: [0, innerWidth] });
  }, [props.from, props.to, domain, innerWidth]);
  const [domainStart, domainEnd] = xScale.domain();
  const spanMs = (domainEnd?.getTime() ?? 0) - (domainStart?.getTime() ?? 0);
  const yScale = yScales[0] as (typeof yScales)[number];

  const paths = useMemo(() => {
    // Both scales are linear: plain arithmetic here avoids a d3 call per point.
    const [x0, x1] = xScale.domain().map(Number) as [number, number];
    const kx = innerWidth / (x1 - x0 || 1);
    const x = (t: number) => (t - x0) * kx;
    return series.map((one, index) => {
      const [y0, y1] = (yScales[axisOf.get(index) ?? 0] ?? yScale).domain() as [number, number];
      const ky = innerHeight / (y1 - y0 || 1);
      return linePath(one.timestamps, one.values, x, (v: number) => innerHeight - (v - y0) * ky);
    });
  }, [series, xScale, yScales, yScale, axisOf, innerWidth, innerHeight]);
  const totalPoints = useMemo(() => series.reduce((sum, one) => sum + one.timestamps.length, 0), [series]);

  const onRange = useCallback(
    (x0: number, x1: number) => onBrush?.(xScale.invert(x0).getTime(), xScale.invert(x1).getTime()),
    [onBrush, xScale],
  );
  const drag = useDragRange(onBrush ? onRange : undefined, setHoverX);

  const hover = useMemo(() => {
    if (hoverX === null || series.length === 0) return null;
    const t = xScale.invert(hoverX).getTime();
    const rows: TooltipRow[] = [];
    series.forEach((one, index) => {
      const i = nearestIndex(one.timestamps, t);
      if (i < 0) return;
      const value = one.values[i] as number;
      rows.push({ key: String(one.id), label: seriesTitle(one), color: seriesColor(index), value, text: formatUnit(value, axes[axisOf.get(index) ?? 0]?.unit ?? 'none') });
    });
    rows.sort((a, b) => b.value - a.value);
    return { t, rows: rows.slice(0, MAX_TOOLTIP_ROWS), more: Math.max(0, rows.length - MAX_TOOLTIP_ROWS) };
  }, [hoverX, series, xScale, axes, axisOf]);

  const xTicks = useMemo(() => {
    const ticks = xScale.ticks(Math.max(2, Math.floor(innerWidth / 110))).map(Number);
    return { values: ticks, labels: formatTimeTicks(ticks, spanMs) };
  }, [xScale, innerWidth, spanMs]);

  if (width <= 0 || height <= 0) return null;
  const clipId = `clip-${title.replace(/[^a-z0-9]/gi, '')}-${width}`;
  return (
    <div style={{ position: 'relative', width, height }}>
      <svg width={width} height={height} data-points={totalPoints} data-units={axes.map((axis) => axis.unit).join(',')} role="img" aria-label={`${title}: ${series.length} series`} style={{ color: 'var(--mantine-color-dimmed)', display: 'block' }}>
        <defs>
          <clipPath id={clipId}>
            <rect width={innerWidth} height={innerHeight} />
          </clipPath>
        </defs>
        <Group left={margin.left} top={margin.top}>
          {!compact && <GridRows scale={yScale} width={innerWidth} numTicks={5} stroke="currentColor" strokeOpacity={0.15} />}
          <g clipPath={`url(#${clipId})`}>
            {bands.map((band, i) => {
              const x0 = xScale(band.from) as number;
              const x1 = xScale(band.to) as number;
              return (
                <rect
                  key={`band-${i}`}
                  data-testid="anomaly-band"
                  x={x0}
                  width={Math.max(2, x1 - x0)}
                  y={0}
                  height={innerHeight}
                  fill="#e03131"
                  fillOpacity={0.08 + 0.22 * Math.min(1, Math.max(0, band.score ?? 0.5))}
                />
              );
            })}
            {paths.map((d, i) => (
              <path key={series[i]?.id ?? i} d={d} fill="none" stroke={seriesColor(i)} strokeWidth={compact ? 1.5 : series.length > 20 ? 1 : 1.6} strokeLinejoin="round" data-testid="series-line" />
            ))}
            {markers.map((marker, i) => {
              const x = xScale(marker.ts) as number;
              return (
                <g key={`marker-${i}`} data-testid="anomaly-marker">
                  <line x1={x} x2={x} y1={0} y2={innerHeight} stroke={marker.color ?? '#e03131'} strokeDasharray="3,3" strokeWidth={1.2} />
                  <circle cx={x} cy={6} r={4.5} fill={marker.color ?? '#e03131'}>
                    <title>{marker.label}</title>
                  </circle>
                </g>
              );
            })}
          </g>
          {hover && <line x1={xScale(hover.t) as number} x2={xScale(hover.t) as number} y1={0} y2={innerHeight} stroke="currentColor" strokeOpacity={0.6} />}
          {drag.selection && (
            <rect
              data-testid="brush-selection"
              x={Math.min(drag.selection.x0, drag.selection.x1)}
              width={Math.abs(drag.selection.x1 - drag.selection.x0)}
              y={0}
              height={innerHeight}
              fill="var(--mantine-primary-color-filled)"
              fillOpacity={0.18}
            />
          )}
          {!compact && (
            <>
              <AxisLeft
                scale={yScale}
                tickValues={yTicks[0]?.values}
                tickFormat={(_v, i) => yTicks[0]?.labels[i] ?? ''}
                stroke={dual ? seriesColor(axes[0]?.members[0] ?? 0) : 'currentColor'}
                tickStroke="currentColor"
                tickLabelProps={{ fill: 'currentColor', fontSize: 11 }}
                hideAxisLine={!dual}
              />
              {dual && yScales[1] && (
                <AxisRight
                  left={innerWidth}
                  scale={yScales[1]}
                  tickValues={yTicks[1]?.values}
                  tickFormat={(_v, i) => yTicks[1]?.labels[i] ?? ''}
                  stroke={seriesColor(axes[1]?.members[0] ?? 1)}
                  tickStroke="currentColor"
                  tickLabelProps={{ fill: 'currentColor', fontSize: 11 }}
                />
              )}
              <AxisBottom
                top={innerHeight}
                scale={xScale}
                tickValues={xTicks.values.map((t) => new Date(t))}
                tickFormat={(_v, i) => xTicks.labels[i] ?? ''}
                stroke="currentColor"
                tickStroke="currentColor"
                tickLabelProps={{ fill: 'currentColor', fontSize: 11 }}
                label={`Time (${timeZoneLabel(xTicks.values[0])})`}
                labelOffset={8}
                labelProps={{ fill: 'currentColor', fontSize: 11, textAnchor: 'middle' }}
              />
            </>
          )}
          <rect
            width={innerWidth}
            height={innerHeight}
            fill="transparent"
            style={{ cursor: onBrush ? 'crosshair' : 'default', touchAction: 'none' }}
            data-testid="chart-overlay"
            {...drag.handlers}
          />
        </Group>
      </svg>
      {hover && !drag.selection && (
        <ChartTooltip left={margin.left + (xScale(hover.t) as number)} containerWidth={width} time={formatTime(hover.t)} rows={hover.rows} more={hover.more} />
      )}
    </div>
  );
});
