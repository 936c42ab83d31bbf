/** Row-major matrix of feature rows: row r, feature f is data[r * cols + f]. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

export function matrixFromRows(rows: ArrayLike<ArrayLike<number>>, cols?: number): Matrix {
  const width = cols ?? (rows.length > 0 ? rows[0]!.length : 0);
  const data = new Float64Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let f = 0; f < width; f++) data[r * width + f] = row[f]!;
  }
  return { data, rows: rows.length, cols: width };
}
