import { fail } from './errors.ts';
import { defineSimple, defineValues } from './natives.ts';
import { describe, type V } from './values.ts';

function num(v: V): number {
  return typeof v === 'number' ? v : fail(`${describe(v)} number required`);
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** frexp: x = m * 2^e with 0.5 <= |m| < 1 */
function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let m = x * Math.pow(2, -e);
  while (Math.abs(m) < 0.5) {
    m *= 2;
    e--;
  }
  while (Math.abs(m) >= 1) {
    m /= 2;
    e++;
  }
  return [m, e];
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61503916999185,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  x -= 1;
  let a = LANCZOS[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function tgamma(x: number): number {
  if (Number.isInteger(x) && x <= 0) return NaN;
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * tgamma(1 - x));
  if (Number.isInteger(x) && x <= 171) {
    let r = 1;
    for (let i = 2; i < x; i++) r *= i;
    return r;
  }
  return Math.exp(lgamma(x));
}

const ldexp = (x: number, e: number): number => x * Math.pow(2, e);

const UNARY: Record<string, (x: number) => V> = {
  floor: Math.floor,
  ceil: Math.ceil,
  round: (x) => (x < 0 ? -Math.round(-x) : Math.round(x)),
  sqrt: Math.sqrt,
  fabs: Math.abs,
  exp: Math.exp,
  exp2: (x) => Math.pow(2, x),
  exp10: (x) => Math.pow(10, x),
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  cbrt: Math.cbrt,
  trunc: Math.trunc,
  rint: roundHalfEven,
  nearbyint: roundHalfEven,
  significand: (x) => (x === 0 || !Number.isFinite(x) ? x : frexp(x)[0] * 2),
  logb: (x) => (x === 0 ? -Infinity : !Number.isFinite(x) ? Math.abs(x) : frexp(x)[1] - 1),
  gamma: lgamma,
  lgamma,
  tgamma,
  lgamma_r: (x) => [lgamma(x), tgamma(x) < 0 ? -1 : 1],
  frexp: (x) => frexp(x),
  modf: (x) => (Number.isFinite(x) ? [x - Math.trunc(x), Math.trunc(x)] : [x !== x ? x : 0 * Math.sign(x), x]),
};

const BINARY: Record<string, (x: number, y: number) => number> = {
  pow: Math.pow,
  atan2: Math.atan2,
  fmod: (x, y) => x % y,
  ldexp,
  scalb: ldexp,
  scalbln: ldexp,
  copysign: (x, y) => Math.abs(x) * (y < 0 || Object.is(y, -0) ? -1 : 1),
  drem: (x, y) => x - y * roundHalfEven(x / y),
  remainder: (x, y) => x - y * roundHalfEven(x / y),
  fdim: (x, y) => (x > y ? x - y : 0),
  fmax: (x, y) => (x !== x ? y : y !== y ? x : Math.max(x, y)),
  fmin: (x, y) => (x !== x ? y : y !== y ? x : Math.min(x, y)),
  hypot: Math.hypot,
  nextafter: nextafter,
  nexttoward: nextafter,
};

function nextafter(x: number, y: number): number {
  if (x !== x || y !== y) return NaN;
  if (x === y) return y;
  if (x === 0) return y > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  let bits = buf.getBigInt64(0);
  bits += (y > x) === (x > 0) ? 1n : -1n;
  buf.setBigInt64(0, bits);
  return buf.getFloat64(0);
}

export function registerMath(): void {
  for (const [name, f] of Object.entries(UNARY)) defineSimple(name, (v) => f(num(v)));
  for (const [name, f] of Object.entries(BINARY)) defineValues(name, 2, (_input, a, b) => f(num(a!), num(b!)));
  defineValues('fma', 3, (_input, a, b, c) => num(a!) * num(b!) + num(c!));
}
