/**
 * A short, stable hash of a configuration: the key every resumable command
 * (the evaluation, `explain`) stores beside a result, so that a re-run
 * recognises a result made with the same settings and skips it.
 */
import { createHash } from 'crypto';

/** Stable JSON: object keys sorted and undefined fields left out, so equal values give equal text whatever the key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined,
    );
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of {@link stableJson}`(value)`, its first 16 hex digits. */
export function configHash(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 16);
}
