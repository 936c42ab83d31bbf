import type { ReplaySeries } from '../../../../shared/replay/replay-state.ts';

const WIDTH = 600;
const HEIGHT = 90;
const SCORE_HEIGHT = 18;

function path(xs: readonly number[], ys: readonly number[]): string {
  return xs.map((x, i) => `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${(ys[i] as number).toFixed(1)}`).join('');
}

/**
 * One series over the replay window: solid up to the instant, faint after it (what was not
 * known yet), a cursor at the instant, and beneath it the local anomaly score as bars.
 */
export function ReplaySparkline({ series, fromTs, toTs, at, visible, label }: { series: ReplaySeries; fromTs: number; toTs: number; at: number; visible: number; label: string }) {
  const span = Math.max(1, toTs - fromTs);
  const x = (ts: number) => ((ts - fromTs) / span) * WIDTH;
  let min = Infinity;
  let max = -Infinity;
  for (const value of series.values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (!Number.isFinite(min)) [min, max] = [0, 1];
  if (max === min) [min, max] = [min - 1, max + 1];
  const y = (value: number) => HEIGHT - 4 - ((value - min) / (max - min)) * (HEIGHT - 8);
  const xs = series.ts.map(x);
  const ys = series.values.map(y);
  const past = path(xs.slice(0, visible), ys.slice(0, visible));
  const future = path(xs.slice(Math.max(0, visible - 1)), ys.slice(Math.max(0, visible - 1)));
  const cursor = x(at);
  const scored = series.scores.some((score) => score !== null);
  const barWidth = Math.max(1, WIDTH / Math.max(1, series.ts.length));
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + (scored ? SCORE_HEIGHT + 4 : 0)}`} width="100%" role="img" aria-label={label} data-testid="replay-sparkline" data-visible={visible} preserveAspectRatio="none" style={{ display: 'block' }}>
      <path d={future} fill="none" stroke="var(--mantine-color-dimmed)" strokeOpacity={0.45} strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
      <path d={past} fill="none" stroke="var(--mantine-color-signal-5)" strokeWidth={2} vectorEffect="non-scaling-stroke" />
      {scored && (
        <g transform={`translate(0 ${HEIGHT + 4})`} data-testid="replay-scores">
          {series.scores.map((score, i) =>
            score === null ? null : (
              <rect
                key={series.ts[i]}
                x={xs[i]}
                y={SCORE_HEIGHT * (1 - score)}
                width={barWidth}
                height={SCORE_HEIGHT * score}
                fill={score >= 0.5 ? 'var(--mantine-color-orange-6)' : 'var(--mantine-color-gray-5)'}
                fillOpacity={i < visible ? 1 : 0.35}
              />
            ),
          )}
        </g>
      )}
      <line x1={cursor} x2={cursor} y1={0} y2={HEIGHT + (scored ? SCORE_HEIGHT + 4 : 0)} stroke="var(--mantine-color-red-6)" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
