import { addPixels, divOneUn8, mulAdd, mulAddMul, mulPixel, mulPixels, mulPixelsAdd, mulPixelsAddMul } from './un8';
import { Op } from './operators';

/**
 * The 8-bit combiners of pixman's general path (pixman-combine32.c): dest[i] = op(src[i],
 * mask[i], dest[i]) for one scanline, unified alpha (the mask's alpha scales the source) or
 * component alpha (each mask channel scales its own source channel). Only the operators that
 * pixman computes in integers come here (operatorNeedsFloat says which do not).
 */
export function combineNarrow(op: number, componentAlpha: boolean, dest: Uint32Array, src: Uint32Array, mask: Uint32Array | null, n: number): void {
  if (componentAlpha && mask) combineComponentAlpha(op, dest, src, mask, n);
  else combineUnified(op, dest, src, mask, n);
}

/** The source scaled by the mask's alpha (combine_mask). */
function maskedSource(src: Uint32Array, mask: Uint32Array | null, i: number): number {
  if (!mask) return src[i];
  const m = mask[i] >>> 24;
  if (m === 0) return 0;
  return mulPixel(src[i], m);
}

function combineUnified(op: number, dest: Uint32Array, src: Uint32Array, mask: Uint32Array | null, n: number): void {
  switch (op) {
    case Op.CLEAR:
      dest.fill(0, 0, n);
      return;
    case Op.DST:
      return;
    case Op.SRC:
      for (let i = 0; i < n; i++) dest[i] = maskedSource(src, mask, i);
      return;
    case Op.OVER:
      // The commonest operator (text, alpha blending): pixman's shortcuts, which give the
      // same bits as the formula (an opaque source replaces, a zero one leaves alone).
      if (mask) overMasked(dest, src, mask, n);
      else overUnmasked(dest, src, n);
      return;
    case Op.OVER_REVERSE:
      for (let i = 0; i < n; i++) {
        const d = dest[i];
        dest[i] = mulAdd(maskedSource(src, mask, i), 255 - (d >>> 24), d);
      }
      return;
    case Op.IN:
      for (let i = 0; i < n; i++) dest[i] = mulPixel(maskedSource(src, mask, i), dest[i] >>> 24);
      return;
    case Op.IN_REVERSE:
      for (let i = 0; i < n; i++) dest[i] = mulPixel(dest[i], maskedSource(src, mask, i) >>> 24);
      return;
    case Op.OUT:
      for (let i = 0; i < n; i++) dest[i] = mulPixel(maskedSource(src, mask, i), 255 - (dest[i] >>> 24));
      return;
    case Op.OUT_REVERSE:
      for (let i = 0; i < n; i++) dest[i] = mulPixel(dest[i], 255 - (maskedSource(src, mask, i) >>> 24));
      return;
    case Op.ATOP:
      for (let i = 0; i < n; i++) {
        const s = maskedSource(src, mask, i);
        const d = dest[i];
        dest[i] = mulAddMul(s, d >>> 24, d, 255 - (s >>> 24));
      }
      return;
    case Op.ATOP_REVERSE:
      for (let i = 0; i < n; i++) {
        const s = maskedSource(src, mask, i);
        const d = dest[i];
        dest[i] = mulAddMul(s, 255 - (d >>> 24), d, s >>> 24);
      }
      return;
    case Op.XOR:
      for (let i = 0; i < n; i++) {
        const s = maskedSource(src, mask, i);
        const d = dest[i];
        dest[i] = mulAddMul(s, 255 - (d >>> 24), d, 255 - (s >>> 24));
      }
      return;
    case Op.ADD:
      for (let i = 0; i < n; i++) dest[i] = addPixels(dest[i], maskedSource(src, mask, i));
      return;
    case Op.MULTIPLY:
      for (let i = 0; i < n; i++) {
        const s = maskedSource(src, mask, i);
        const d = dest[i];
        const outside = mulAddMul(s, 255 - (d >>> 24), d, 255 - (s >>> 24));
        dest[i] = addPixels(mulPixels(d, s), outside);
      }
      return;
    default: {
      const blend = SEPARABLE[op];
      if (!blend) throw new Error(`narrow combiner for operator ${op} does not exist`);
      for (let i = 0; i < n; i++) {
        const s = maskedSource(src, mask, i);
        const sa = s >>> 24;
        dest[i] = separablePixel(blend, s, dest[i], sa, sa, sa, sa);
      }
    }
  }
}

function overUnmasked(dest: Uint32Array, src: Uint32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const s = src[i];
    const a = s >>> 24;
    if (a === 255) dest[i] = s;
    else if (s !== 0) dest[i] = mulAdd(dest[i], 255 - a, s);
  }
}

function overMasked(dest: Uint32Array, src: Uint32Array, mask: Uint32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const m = mask[i] >>> 24;
    if (m === 0) continue;
    const s = m === 255 ? src[i] : mulPixel(src[i], m);
    const a = s >>> 24;
    if (a === 255) dest[i] = s;
    else if (s !== 0) dest[i] = mulAdd(dest[i], 255 - a, s);
  }
}

/** A per-channel blend term of the PDF separable modes, in 0..255² units (pixman's blend_*). */
type Blend = (d: number, ad: number, s: number, as: number) => number;

const SEPARABLE: Partial<Record<number, Blend>> = {
  [Op.SCREEN]: (d, ad, s, as) => s * ad + d * as - s * d,
  [Op.OVERLAY]: (d, ad, s, as) => (2 * d < ad ? 2 * s * d : as * ad - 2 * (ad - d) * (as - s)),
  [Op.DARKEN]: (d, ad, s, as) => Math.min(ad * s, as * d),
  [Op.LIGHTEN]: (d, ad, s, as) => Math.max(ad * s, as * d),
  [Op.HARD_LIGHT]: (d, ad, s, as) => (2 * s < as ? 2 * s * d : as * ad - 2 * (ad - d) * (as - s)),
  [Op.DIFFERENCE]: (d, ad, s, as) => Math.abs(s * ad - d * as),
  [Op.EXCLUSION]: (d, ad, s, as) => s * ad + d * as - 2 * d * s,
};

/**
 * pixman's 0..255² channel result clamped as its unsigned arithmetic does: a negative sum has
 * wrapped to a huge unsigned value, which the upper clamp turns into 255².
 */
function clampChannel(v: number): number {
  return v < 0 || v > 65025 ? 65025 : v;
}

/**
 * One pixel of a separable PDF mode (PDF_SEPARABLE_BLEND_MODE): ma..mb are the alpha that
 * scales each channel's "outside" term and blends it (the source alpha for unified alpha, the
 * mask-scaled channel for component alpha); sa the alpha of the result's alpha channel.
 */
function separablePixel(blend: Blend, s: number, d: number, sa: number, mr: number, mg: number, mb: number): number {
  const da = d >>> 24;
  const ida = 255 - da;
  const dr = (d >>> 16) & 0xff;
  const dg = (d >>> 8) & 0xff;
  const db = d & 0xff;
  const sr = (s >>> 16) & 0xff;
  const sg = (s >>> 8) & 0xff;
  const sb = s & 0xff;
  const ra = clampChannel(da * 255 + sa * 255 - sa * da);
  const rr = clampChannel((255 - mr) * dr + ida * sr + blend(dr, da, sr, mr));
  const rg = clampChannel((255 - mg) * dg + ida * sg + blend(dg, da, sg, mg));
  const rb = clampChannel((255 - mb) * db + ida * sb + blend(db, da, sb, mb));
  return ((divOneUn8(ra) << 24) | (divOneUn8(rr) << 16) | (divOneUn8(rg) << 8) | divOneUn8(rb)) >>> 0;
}

/** Alpha replicated into all four channels. */
function alphaTimesFour(a: number): number {
  return ((a << 24) | (a << 16) | (a << 8) | a) >>> 0;
}

// Component-alpha mask helpers. They return the new source and store the new mask in maskOut.
let maskOut = 0;

/** combine_mask_ca: source ·= mask (per channel); mask ·= source alpha. */
function maskBoth(s: number, m: number): number {
  if (m === 0) {
    maskOut = 0;
    return 0;
  }
  if (m === 0xffffffff) {
    maskOut = alphaTimesFour(s >>> 24);
    return s;
  }
  maskOut = mulPixel(m, s >>> 24);
  return mulPixels(s, m);
}

/** combine_mask_value_ca: source ·= mask (per channel). */
function maskValue(s: number, m: number): number {
  if (m === 0) return 0;
  if (m === 0xffffffff) return s;
  return mulPixels(s, m);
}

/** combine_mask_alpha_ca: mask ·= source alpha. */
function maskAlpha(s: number, m: number): number {
  if (m === 0) return 0;
  const a = s >>> 24;
  if (a === 255) return m;
  if (m === 0xffffffff) return alphaTimesFour(a);
  return mulPixel(m, a);
}

function combineComponentAlpha(op: number, dest: Uint32Array, src: Uint32Array, mask: Uint32Array, n: number): void {
  switch (op) {
    case Op.CLEAR:
      dest.fill(0, 0, n);
      return;
    case Op.DST:
      return;
    case Op.SRC:
      for (let i = 0; i < n; i++) dest[i] = maskValue(src[i], mask[i]);
      return;
    case Op.OVER:
      for (let i = 0; i < n; i++) {
        const s = maskBoth(src[i], mask[i]);
        dest[i] = mulPixelsAdd(dest[i], ~maskOut >>> 0, s);
      }
      return;
    case Op.OVER_REVERSE:
      for (let i = 0; i < n; i++) {
        const d = dest[i];
        const a = 255 - (d >>> 24);
        if (a !== 0) dest[i] = mulAdd(mulPixels(src[i], mask[i]), a, d);
      }
      return;
    case Op.IN:
      for (let i = 0; i < n; i++) {
        const a = dest[i] >>> 24;
        let s = 0;
        if (a !== 0) {
          s = maskValue(src[i], mask[i]);
          if (a !== 255) s = mulPixel(s, a);
        }
        dest[i] = s;
      }
      return;
    case Op.IN_REVERSE:
      for (let i = 0; i < n; i++) {
        const m = maskAlpha(src[i], mask[i]);
        if (m !== 0xffffffff) dest[i] = m === 0 ? 0 : mulPixels(dest[i], m);
      }
      return;
    case Op.OUT:
      for (let i = 0; i < n; i++) {
        const a = 255 - (dest[i] >>> 24);
        let s = 0;
        if (a !== 0) {
          s = maskValue(src[i], mask[i]);
          if (a !== 255) s = mulPixel(s, a);
        }
        dest[i] = s;
      }
      return;
    case Op.OUT_REVERSE:
      for (let i = 0; i < n; i++) {
        const a = ~maskAlpha(src[i], mask[i]) >>> 0;
        if (a !== 0xffffffff) dest[i] = a === 0 ? 0 : mulPixels(dest[i], a);
      }
      return;
    case Op.ATOP:
      for (let i = 0; i < n; i++) {
        const d = dest[i];
        const s = maskBoth(src[i], mask[i]);
        dest[i] = mulPixelsAddMul(d, ~maskOut >>> 0, s, d >>> 24);
      }
      return;
    case Op.ATOP_REVERSE:
      for (let i = 0; i < n; i++) {
        const d = dest[i];
        const s = maskBoth(src[i], mask[i]);
        dest[i] = mulPixelsAddMul(d, maskOut, s, 255 - (d >>> 24));
      }
      return;
    case Op.XOR:
      for (let i = 0; i < n; i++) {
        const d = dest[i];
        const s = maskBoth(src[i], mask[i]);
        dest[i] = mulPixelsAddMul(d, ~maskOut >>> 0, s, 255 - (d >>> 24));
      }
      return;
    case Op.ADD:
      for (let i = 0; i < n; i++) dest[i] = addPixels(dest[i], maskValue(src[i], mask[i]));
      return;
    case Op.MULTIPLY:
      for (let i = 0; i < n; i++) {
        const d = dest[i];
        const s = maskBoth(src[i], mask[i]);
        const outside = mulPixelsAddMul(d, ~maskOut >>> 0, s, 255 - (d >>> 24));
        dest[i] = addPixels(outside, mulPixels(d, s));
      }
      return;
    default: {
      const blend = SEPARABLE[op];
      if (!blend) throw new Error(`narrow component-alpha combiner for operator ${op} does not exist`);
      for (let i = 0; i < n; i++) {
        const s = maskBoth(src[i], mask[i]);
        const m = maskOut;
        dest[i] = separablePixel(blend, s, dest[i], s >>> 24, (m >>> 16) & 0xff, (m >>> 8) & 0xff, m & 0xff);
      }
    }
  }
}
