import { ParentSize } from '@visx/responsive';
import { TimeSeriesChart, type TimeSeriesChartProps } from './TimeSeriesChart.tsx';

/** The chart at the width of its container (and the given height). */
export function ResponsiveChart(props: Omit<TimeSeriesChartProps, 'width'>) {
  return (
    <ParentSize debounceTime={50} style={{ height: props.height }}>
      {({ width }) => <TimeSeriesChart {...props} width={width} />}
    </ParentSize>
  );
}
