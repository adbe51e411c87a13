/**
 * Numbers as Java prints them (Spark's CAST to string and show() both go through these):
 * `Double.toString` and `Float.toString` of JDK 19+ (shortest round-tripping digits).
 */

/** Java's Double.toString (JDK 19+, shortest repr): `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `-0.0`. */
export function javaDoubleString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const a = Math.abs(d);
  return javaDecimal(d, twoDigitRule(a, a.toExponential(), (x) => x === a));
}

/**
 * Java never prints fewer than two significant digits, and when the shortest round-tripping
 * decimal has one digit it picks the closest two-digit decimal instead (Double.MIN_VALUE is
 * `4.9E-324`, not `5.0E-324`). This only changes subnormal values.
 */
function twoDigitRule(a: number, exponential: string, roundTrips: (x: number) => boolean): string {
  if (/^\de/.test(exponential)) {
    const two = a.toExponential(1);
    if (!/^\d\.0e/.test(two) && roundTrips(Number(two))) return two;
  }
  return exponential;
}

/** Java's Float.toString of a float stored as a number: the shortest digits that round-trip as a float. */
export function javaFloatString(f: number): string {
  const x = Math.fround(f);
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  let exp = a.toExponential();
  for (let p = 1; p <= 9; p++) {
    const s = a.toPrecision(p);
    if (Math.fround(Number(s)) === a) {
      exp = Number(s).toExponential();
      break;
    }
  }
  return javaDecimal(x, twoDigitRule(a, exp, (y) => Math.fround(y) === a));
}

/** Lays out `±d.ddde±x` digits as Java does: plain in [1e-3, 1e7), computerized scientific otherwise. */
function javaDecimal(value: number, exponential: string): string {
  const [mantissa, e] = exponential.split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(e);
  const sign = value < 0 ? '-' : '';
  const a = Math.abs(value);
  if (a >= 1e-3 && a < 1e7) {
    if (exp >= 0) {
      const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1);
      return `${sign}${int}.${frac || '0'}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exp}`;
}
