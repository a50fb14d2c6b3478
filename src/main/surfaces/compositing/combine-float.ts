import { Op } from './operators';

/**
 * The single-precision combiners of pixman's general path (pixman-combine-float.c), used for
 * the operators that divide (operatorNeedsFloat). Pixels are 4 floats (a, r, g, b) as pixman's
 * argb_t. Every arithmetic step is rounded to float32 (`f`), as C evaluates float expressions
 * on x86-64 (FLT_EVAL_METHOD 0), so the results are pixman's to the bit; operation order
 * follows pixman's expressions left to right.
 */
const f = Math.fround;
const FLT_MIN = 1.1754943508222875e-38;

function isZero(x: number): boolean {
  return -FLT_MIN < x && x < FLT_MIN;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Porter-Duff factors (combine_factor_t). */
const enumFactor = {
  ZERO: 0,
  ONE: 1,
  SRC_ALPHA: 2,
  DEST_ALPHA: 3,
  INV_SA: 4,
  INV_DA: 5,
  SA_OVER_DA: 6,
  DA_OVER_SA: 7,
  INV_SA_OVER_DA: 8,
  INV_DA_OVER_SA: 9,
  ONE_MINUS_SA_OVER_DA: 10,
  ONE_MINUS_DA_OVER_SA: 11,
  ONE_MINUS_INV_DA_OVER_SA: 12,
  ONE_MINUS_INV_SA_OVER_DA: 13,
} as const;
const F = enumFactor;

function factor(which: number, sa: number, da: number): number {
  switch (which) {
    case F.ZERO:
      return 0;
    case F.ONE:
      return 1;
    case F.SRC_ALPHA:
      return sa;
    case F.DEST_ALPHA:
      return da;
    case F.INV_SA:
      return f(1 - sa);
    case F.INV_DA:
      return f(1 - da);
    case F.SA_OVER_DA:
      return isZero(da) ? 1 : clamp01(f(sa / da));
    case F.DA_OVER_SA:
      return isZero(sa) ? 1 : clamp01(f(da / sa));
    case F.INV_SA_OVER_DA:
      return isZero(da) ? 1 : clamp01(f(f(1 - sa) / da));
    case F.INV_DA_OVER_SA:
      return isZero(sa) ? 1 : clamp01(f(f(1 - da) / sa));
    case F.ONE_MINUS_SA_OVER_DA:
      return isZero(da) ? 0 : clamp01(f(1 - f(sa / da)));
    case F.ONE_MINUS_DA_OVER_SA:
      return isZero(sa) ? 0 : clamp01(f(1 - f(da / sa)));
    case F.ONE_MINUS_INV_DA_OVER_SA:
      return isZero(sa) ? 0 : clamp01(f(1 - f(f(1 - da) / sa)));
    default: // ONE_MINUS_INV_SA_OVER_DA
      return isZero(da) ? 0 : clamp01(f(1 - f(f(1 - sa) / da)));
  }
}

/** (source factor, destination factor) of each Porter-Duff operator, by operator & 0x0f. */
const PD: readonly (readonly [number, number])[] = [
  [F.ZERO, F.ZERO], // CLEAR
  [F.ONE, F.ZERO], // SRC
  [F.ZERO, F.ONE], // DST
  [F.ONE, F.INV_SA], // OVER
  [F.INV_DA, F.ONE], // OVER_REVERSE
  [F.DEST_ALPHA, F.ZERO], // IN
  [F.ZERO, F.SRC_ALPHA], // IN_REVERSE
  [F.INV_DA, F.ZERO], // OUT
  [F.ZERO, F.INV_SA], // OUT_REVERSE
  [F.DEST_ALPHA, F.INV_SA], // ATOP
  [F.INV_DA, F.SRC_ALPHA], // ATOP_REVERSE
  [F.INV_DA, F.INV_SA], // XOR
  [F.ONE, F.ONE], // ADD
  [F.INV_DA_OVER_SA, F.ONE], // SATURATE
];

const DISJOINT: readonly (readonly [number, number])[] = [
  [F.ZERO, F.ZERO],
  [F.ONE, F.ZERO],
  [F.ZERO, F.ONE],
  [F.ONE, F.INV_SA_OVER_DA],
  [F.INV_DA_OVER_SA, F.ONE],
  [F.ONE_MINUS_INV_DA_OVER_SA, F.ZERO],
  [F.ZERO, F.ONE_MINUS_INV_SA_OVER_DA],
  [F.INV_DA_OVER_SA, F.ZERO],
  [F.ZERO, F.INV_SA_OVER_DA],
  [F.ONE_MINUS_INV_DA_OVER_SA, F.INV_SA_OVER_DA],
  [F.INV_DA_OVER_SA, F.ONE_MINUS_INV_SA_OVER_DA],
  [F.INV_DA_OVER_SA, F.INV_SA_OVER_DA],
];

const CONJOINT: readonly (readonly [number, number])[] = [
  [F.ZERO, F.ZERO],
  [F.ONE, F.ZERO],
  [F.ZERO, F.ONE],
  [F.ONE, F.ONE_MINUS_SA_OVER_DA],
  [F.ONE_MINUS_DA_OVER_SA, F.ONE],
  [F.DA_OVER_SA, F.ZERO],
  [F.ZERO, F.SA_OVER_DA],
  [F.ONE_MINUS_DA_OVER_SA, F.ZERO],
  [F.ZERO, F.ONE_MINUS_SA_OVER_DA],
  [F.DA_OVER_SA, F.ONE_MINUS_SA_OVER_DA],
  [F.ONE_MINUS_DA_OVER_SA, F.SA_OVER_DA],
  [F.ONE_MINUS_DA_OVER_SA, F.ONE_MINUS_SA_OVER_DA],
];

function porterDuffFactors(op: number): readonly [number, number] | undefined {
  if (op <= Op.SATURATE) return PD[op];
  if (op >= 0x10 && op <= 0x1b) return DISJOINT[op - 0x10];
  if (op >= 0x20 && op <= 0x2b) return CONJOINT[op - 0x20];
  return undefined;
}

/** The blend term of a separable PDF mode (blend_*), premultiplied. */
type SeparableBlend = (sa: number, s: number, da: number, d: number) => number;

const SEPARABLE: Partial<Record<number, SeparableBlend>> = {
  [Op.MULTIPLY]: (_sa, s, _da, d) => f(d * s),
  [Op.SCREEN]: (sa, s, da, d) => f(f(f(d * sa) + f(s * da)) - f(s * d)),
  [Op.OVERLAY]: (sa, s, da, d) => (f(2 * d) < da ? f(f(2 * s) * d) : f(f(sa * da) - f(f(2 * f(da - d)) * f(sa - s)))),
  [Op.DARKEN]: (sa, s, da, d) => {
    const ss = f(s * da);
    const dd = f(d * sa);
    return ss > dd ? dd : ss;
  },
  [Op.LIGHTEN]: (sa, s, da, d) => {
    const ss = f(s * da);
    const dd = f(d * sa);
    return ss > dd ? ss : dd;
  },
  [Op.COLOR_DODGE]: (sa, s, da, d) => {
    if (isZero(d)) return 0;
    if (f(d * sa) >= f(f(sa * da) - f(s * da))) return f(sa * da);
    if (isZero(f(sa - s))) return f(sa * da);
    return f(f(f(sa * sa) * d) / f(sa - s));
  },
  [Op.COLOR_BURN]: (sa, s, da, d) => {
    if (d >= da) return f(sa * da);
    if (f(sa * f(da - d)) >= f(s * da)) return 0;
    if (isZero(s)) return 0;
    return f(sa * f(da - f(f(sa * f(da - d)) / s)));
  },
  [Op.HARD_LIGHT]: (sa, s, da, d) => (f(2 * s) < sa ? f(f(2 * s) * d) : f(f(sa * da) - f(f(2 * f(da - d)) * f(sa - s)))),
  [Op.SOFT_LIGHT]: (sa, s, da, d) => {
    if (f(2 * s) <= sa) {
      if (isZero(da)) return f(d * sa);
      return f(f(d * sa) - f(f(f(d * f(da - d)) * f(sa - f(2 * s))) / da));
    }
    if (isZero(da)) return f(d * sa);
    if (f(4 * d) <= da) {
      const q = f(f(f(f(f(16 * d) / da) - 12) * d) / da);
      return f(f(d * sa) + f(f(f(f(2 * s) - sa) * d) * f(q + 3)));
    }
    return f(f(d * sa) + f(f(f(Math.sqrt(f(d * da))) - d) * f(f(2 * s) - sa)));
  },
  [Op.DIFFERENCE]: (sa, s, da, d) => {
    const dsa = f(d * sa);
    const sda = f(s * da);
    return sda < dsa ? f(dsa - sda) : f(sda - dsa);
  },
  [Op.EXCLUSION]: (sa, s, da, d) => f(f(f(s * da) + f(d * sa)) - f(f(2 * d) * s)),
};

/**
 * dest = op(src · mask, dest) over n pixels of 4 floats. `mask` is null without a mask image;
 * with component alpha each mask channel scales its own source channel.
 */
export function combineFloat(op: number, componentAlpha: boolean, dest: Float32Array, src: Float32Array, mask: Float32Array | null, n: number): void {
  if (op >= Op.HSL_HUE && op <= Op.HSL_LUMINOSITY) {
    // pixman leaves the destination alone for the HSL modes with component alpha.
    if (!(componentAlpha && mask)) combineHsl(op, dest, src, mask, n);
    return;
  }
  const pd = porterDuffFactors(op);
  const blend = SEPARABLE[op];
  if (!pd && !blend) throw new Error(`float combiner for operator ${op} does not exist`);
  const ca = componentAlpha && mask !== null;
  for (let i = 0; i < 4 * n; i += 4) {
    let sa = src[i];
    let sr = src[i + 1];
    let sg = src[i + 2];
    let sb = src[i + 3];
    let ma: number;
    let mr: number;
    let mg: number;
    let mb: number;
    if (!mask) {
      ma = mr = mg = mb = sa;
    } else if (ca) {
      ma = mask[i];
      mr = mask[i + 1];
      mg = mask[i + 2];
      mb = mask[i + 3];
      sr = f(sr * mr);
      sg = f(sg * mg);
      sb = f(sb * mb);
      ma = f(ma * sa);
      mr = f(mr * sa);
      mg = f(mg * sa);
      mb = f(mb * sa);
      sa = ma;
    } else {
      const m = mask[i];
      sa = f(sa * m);
      sr = f(sr * m);
      sg = f(sg * m);
      sb = f(sb * m);
      ma = mr = mg = mb = sa;
    }
    const da = dest[i];
    if (pd) {
      // Without a mask, pixman passes the source alpha as the "mask alpha" of every channel.
      dest[i] = porterDuff(pd, ma, sa, da, da);
      dest[i + 1] = porterDuff(pd, mr, sr, da, dest[i + 1]);
      dest[i + 2] = porterDuff(pd, mg, sg, da, dest[i + 2]);
      dest[i + 3] = porterDuff(pd, mb, sb, da, dest[i + 3]);
    } else if (blend) {
      dest[i] = f(f(da + ma) - f(da * ma));
      dest[i + 1] = separable(blend, mr, sr, da, dest[i + 1]);
      dest[i + 2] = separable(blend, mg, sg, da, dest[i + 2]);
      dest[i + 3] = separable(blend, mb, sb, da, dest[i + 3]);
    }
  }
}

/** MIN(1, s·fa + d·fb): pd_combine_* with the factors of the operator. */
function porterDuff(pd: readonly [number, number], sa: number, s: number, da: number, d: number): number {
  const fa = factor(pd[0], sa, da);
  const fb = factor(pd[1], sa, da);
  const v = f(f(s * fa) + f(d * fb));
  return 1 < v ? 1 : v;
}

/** combine_*_c of the separable PDF modes: (1 − sa)·d + (1 − da)·s + blend. */
function separable(blend: SeparableBlend, sa: number, s: number, da: number, d: number): number {
  const outside = f(f(f(1 - sa) * d) + f(f(1 - da) * s));
  return f(outside + blend(sa, s, da, d));
}

// ---------------------------------------------------------------------------------------------
// HSL modes (MAKE_NON_SEPARABLE_PDF_COMBINERS), on premultiplied colours.

const rgb = new Float64Array(3);

function lum(r: number, g: number, b: number): number {
  return f(f(f(r * f(0.3)) + f(g * f(0.59))) + f(b * f(0.11)));
}

/** minf / maxf exactly (Math.min and Math.max order signed zeros differently). */
function minf(a: number, b: number): number {
  return a < b ? a : b;
}

function maxf(a: number, b: number): number {
  return a > b ? a : b;
}

function sat(r: number, g: number, b: number): number {
  return f(maxf(maxf(r, g), b) - minf(minf(r, g), b));
}

/** clip_color on rgb[] with the extended bound a. */
function clipColor(a: number): void {
  const l = lum(rgb[0], rgb[1], rgb[2]);
  const n = minf(minf(rgb[0], rgb[1]), rgb[2]);
  const x = maxf(maxf(rgb[0], rgb[1]), rgb[2]);
  if (n < 0) {
    const t = f(l - n);
    for (let c = 0; c < 3; c++) rgb[c] = isZero(t) ? 0 : f(l + f(f(f(rgb[c] - l) * l) / t));
  }
  if (x > a) {
    const t = f(x - l);
    for (let c = 0; c < 3; c++) rgb[c] = isZero(t) ? a : f(l + f(f(f(rgb[c] - l) * f(a - l)) / t));
  }
}

/** set_lum on rgb[]. */
function setLum(sa: number, l: number): void {
  const d = f(l - lum(rgb[0], rgb[1], rgb[2]));
  rgb[0] = f(rgb[0] + d);
  rgb[1] = f(rgb[1] + d);
  rgb[2] = f(rgb[2] + d);
  clipColor(sa);
}

/** set_sat on rgb[], choosing max/mid/min with pixman's comparisons (ties matter). */
function setSat(s: number): void {
  const [r, g, b] = rgb;
  let max: number;
  let mid: number;
  let min: number;
  if (r > g) {
    if (r > b) {
      max = 0;
      if (g > b) {
        mid = 1;
        min = 2;
      } else {
        mid = 2;
        min = 1;
      }
    } else {
      max = 2;
      mid = 0;
      min = 1;
    }
  } else if (r > b) {
    max = 1;
    mid = 0;
    min = 2;
  } else {
    min = 0;
    if (g > b) {
      max = 1;
      mid = 2;
    } else {
      max = 2;
      mid = 1;
    }
  }
  const t = f(rgb[max] - rgb[min]);
  if (isZero(t)) {
    rgb[mid] = 0;
    rgb[max] = 0;
  } else {
    rgb[mid] = f(f(f(rgb[mid] - rgb[min]) * s) / t);
    rgb[max] = s;
  }
  rgb[min] = 0;
}

function combineHsl(op: number, dest: Float32Array, src: Float32Array, mask: Float32Array | null, n: number): void {
  for (let i = 0; i < 4 * n; i += 4) {
    let sa = src[i];
    const sr0 = src[i + 1];
    let sg = src[i + 2];
    const sb = src[i + 3];
    let sr = sr0;
    if (mask) {
      const ma = mask[i];
      sa = f(sa * ma);
      sr = f(sr * ma);
      sg = f(sg * ma);
      sg = f(sg * ma); // pixman scales green twice and blue not at all (sic)
    }
    const da = dest[i];
    const dr = dest[i + 1];
    const dg = dest[i + 2];
    const db = dest[i + 3];
    switch (op) {
      case Op.HSL_HUE:
        rgb[0] = f(sr * da);
        rgb[1] = f(sg * da);
        rgb[2] = f(sb * da);
        setSat(f(sat(dr, dg, db) * sa));
        setLum(f(sa * da), f(lum(dr, dg, db) * sa));
        break;
      case Op.HSL_SATURATION:
        rgb[0] = f(dr * sa);
        rgb[1] = f(dg * sa);
        rgb[2] = f(db * sa);
        setSat(f(sat(sr, sg, sb) * da));
        setLum(f(sa * da), f(lum(dr, dg, db) * sa));
        break;
      case Op.HSL_COLOR:
        rgb[0] = f(sr * da);
        rgb[1] = f(sg * da);
        rgb[2] = f(sb * da);
        setLum(f(sa * da), f(lum(dr, dg, db) * sa));
        break;
      default: // HSL_LUMINOSITY
        rgb[0] = f(dr * sa);
        rgb[1] = f(dg * sa);
        rgb[2] = f(db * sa);
        setLum(f(sa * da), f(lum(sr, sg, sb) * da));
    }
    dest[i] = f(f(sa + da) - f(sa * da));
    dest[i + 1] = f(f(f(f(1 - sa) * dr) + f(f(1 - da) * sr)) + rgb[0]);
    dest[i + 2] = f(f(f(f(1 - sa) * dg) + f(f(1 - da) * sg)) + rgb[1]);
    dest[i + 3] = f(f(f(f(1 - sa) * db) + f(f(1 - da) * sb)) + rgb[2]);
  }
}
