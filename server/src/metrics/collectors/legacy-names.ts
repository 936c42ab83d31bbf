/**
 * Prometheus 3 lets metric and label names hold any UTF-8 (`http.server.duration`,
 * `service.name`, OpenTelemetry's names), quoted in the exposition. The store, its
 * selectors and the ingest API keep the classic character set, so such a name is escaped
 * the way Prometheus escapes it for a scraper that asked for version 0.0.4 (its
 * "underscores" scheme, `model.EscapeName`): every character outside the set becomes `_`
 * (a leading digit too). A classic name comes out as it went in.
 */
export function legacyMetricName(name: string): string {
  return escaped(name, /[a-zA-Z_:]/, /[a-zA-Z0-9_:]/);
}

/** The same for a label name, whose set has no `:`. */
export function legacyLabelName(name: string): string {
  return escaped(name, /[a-zA-Z_]/, /[a-zA-Z0-9_]/);
}

function escaped(name: string, first: RegExp, rest: RegExp): string {
  let out = '';
  let index = 0;
  // By code point, as Go ranges over runes: "日本" is two underscores, not six.
  for (const ch of name) out += (index++ === 0 ? first : rest).test(ch) ? ch : '_';
  return out;
}
