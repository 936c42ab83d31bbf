import { fromBase64, toBase64, utf8Decode, utf8Encode } from './bytes.ts';
import { featureInfo, type FeatureSpec } from './features.ts';
import type { Forest } from './forest.ts';
import type { AnomalyModel } from './model.ts';

/**
 * Binary model format, little-endian, version 1:
 *
 *   0   4 bytes  magic "SCAM"
 *   4   u16      format version (1)
 *   6   u16      0 (reserved)
 *   8   u32      header length H
 *   12  H bytes  header, UTF-8 JSON: spec, nTrees, sampleSize, depth, threshold,
 *                contamination, trainedRows, trainedFrom, trainedTo, seed
 *       pad to a multiple of 8
 *       f64[F] scaler centre, f64[F] scaler scale, f64[101] score quantiles,
 *       f64[F] feature minima, f64[F] feature maxima       (F = feature count)
 *       i32[T * (2^depth - 1)] splits, u16[T * 2^depth] leaf path lengths
 *
 * A reader accepts every version up to its own and rejects newer ones, so a model stored
 * by one release loads in later releases; a change of layout takes a new version number.
 */
export const MODEL_FORMAT_VERSION = 1;
const MAGIC = [0x53, 0x43, 0x41, 0x4d];

interface Header {
  spec: FeatureSpec;
  nTrees: number;
  sampleSize: number;
  depth: number;
  threshold: number;
  contamination: number;
  trainedRows: number;
  trainedFrom: number;
  trainedTo: number;
  seed: number;
}

export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

export function serializeModel(model: AnomalyModel): Uint8Array {
  const f = model.forest;
  const header: Header = {
    spec: model.spec,
    nTrees: f.nTrees,
    sampleSize: f.sampleSize,
    depth: f.depth,
    threshold: model.threshold,
    contamination: model.contamination,
    trainedRows: model.trainedRows,
    trainedFrom: model.trainedFrom,
    trainedTo: model.trainedTo,
    seed: model.seed,
  };
  const json = utf8Encode(JSON.stringify(header));
  const width = f.nFeatures;
  const floats = [model.scaler.centre, model.scaler.scale, model.scoreQuantiles, model.featureMin, model.featureMax];
  const bodyStart = align8(12 + json.length);
  const floatBytes = floats.reduce((s, a) => s + a.length * 8, 0);
  const total = bodyStart + floatBytes + f.splits.length * 4 + f.leafPath.length * 2;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint16(4, MODEL_FORMAT_VERSION, true);
  view.setUint16(6, 0, true);
  view.setUint32(8, json.length, true);
  bytes.set(json, 12);
  let at = bodyStart;
  for (const a of floats) {
    if (a !== model.scoreQuantiles && a.length !== width) throw new RangeError('scaler or ranges do not match the feature count');
    for (let i = 0; i < a.length; i++, at += 8) view.setFloat64(at, a[i]!, true);
  }
  for (let i = 0; i < f.splits.length; i++, at += 4) view.setInt32(at, f.splits[i]!, true);
  for (let i = 0; i < f.leafPath.length; i++, at += 2) view.setUint16(at, f.leafPath[i]!, true);
  return bytes;
}

export function deserializeModel(bytes: Uint8Array): AnomalyModel {
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b)) throw new ModelFormatError('not a SmartCloudOps anomaly model');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version < 1 || version > MODEL_FORMAT_VERSION) throw new ModelFormatError(`model format version ${version} is newer than this reader (${MODEL_FORMAT_VERSION})`);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new ModelFormatError('truncated model header');
  let header: Header;
  try {
    header = JSON.parse(utf8Decode(bytes.subarray(12, 12 + headerLength))) as Header;
  } catch {
    throw new ModelFormatError('unreadable model header');
  }
  const width = featureInfo(header.spec).length;
  const nSplits = header.nTrees * ((1 << header.depth) - 1);
  const nLeaves = header.nTrees * (1 << header.depth);
  let at = align8(12 + headerLength);
  if (at + (4 * width + 101) * 8 + nSplits * 4 + nLeaves * 2 !== bytes.length) throw new ModelFormatError('model length does not match its header');
  const readFloats = (n: number) => {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++, at += 8) a[i] = view.getFloat64(at, true);
    return a;
  };
  const centre = readFloats(width);
  const scale = readFloats(width);
  const scoreQuantiles = readFloats(101);
  const featureMin = readFloats(width);
  const featureMax = readFloats(width);
  const splits = new Int32Array(nSplits);
  for (let i = 0; i < nSplits; i++, at += 4) splits[i] = view.getInt32(at, true);
  const leafPath = new Uint16Array(nLeaves);
  for (let i = 0; i < nLeaves; i++, at += 2) leafPath[i] = view.getUint16(at, true);
  const forest: Forest = { nFeatures: width, nTrees: header.nTrees, sampleSize: header.sampleSize, depth: header.depth, splits, leafPath };
  return {
    spec: header.spec,
    scaler: { centre, scale },
    forest,
    threshold: header.threshold,
    contamination: header.contamination,
    scoreQuantiles,
    featureMin,
    featureMax,
    trainedRows: header.trainedRows,
    trainedFrom: header.trainedFrom,
    trainedTo: header.trainedTo,
    seed: header.seed,
  };
}

export function modelToBase64(model: AnomalyModel): string {
  return toBase64(serializeModel(model));
}

export function modelFromBase64(text: string): AnomalyModel {
  return deserializeModel(fromBase64(text));
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
