/**
 * Byte-for-byte comparison of two weight files, with a failure message that
 * says how much differs (float32 values), for the kill-and-resume tests.
 */
import { expect } from 'chai';
import * as fs from 'fs';

/** Asserts that files `actual` and `expected` hold the same bytes. */
export function expectSameBytes(actual: string, expected: string): void {
  const a = fs.readFileSync(actual);
  const b = fs.readFileSync(expected);
  let differing = 0;
  for (let i = 0; i + 4 <= Math.min(a.length, b.length); i += 4)
    if (a.readUInt32LE(i) !== b.readUInt32LE(i)) differing++;
  expect(
    a.equals(b),
    `${actual}: ${a.length} bytes, ${differing} of ${Math.floor(b.length / 4)} float32 values differ from ${expected} (${b.length} bytes)`,
  ).to.equal(true);
}
