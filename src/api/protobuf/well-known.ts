/**
 * The apimachinery messages whose JSON form is not an object of their fields:
 * Time, MicroTime, Duration, Quantity, IntOrString, RawExtension, FieldsV1.
 */
export const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

export const TIME = `${META}.Time`;
export const MICRO_TIME = `${META}.MicroTime`;
export const DURATION = `${META}.Duration`;
export const FIELDS_V1 = `${META}.FieldsV1`;
export const QUANTITY = 'k8s.io.apimachinery.pkg.api.resource.Quantity';
export const INT_OR_STRING = 'k8s.io.apimachinery.pkg.util.intstr.IntOrString';
export const RAW_EXTENSION = 'k8s.io.apimachinery.pkg.runtime.RawExtension';
export const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown';

/** A protobufjs int64 (a Long when long.js is loaded, else a number) as a JS number. */
export function int64ToNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  if (v !== null && typeof v === 'object' && 'toNumber' in v && typeof (v as { toNumber: unknown }).toNumber === 'function') {
    return (v as { toNumber(): number }).toNumber();
  }
  return Number(v);
}
