/** Ten hues that stay apart in light and dark themes (Tableau 10, slightly brightened). */
export const SERIES_COLORS = ['#4e9be0', '#f28e2b', '#59c27a', '#e15759', '#b07aa1', '#edc948', '#76b7b2', '#ff9da7', '#9c755f', '#bab0ac'];

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length] as string;
}
