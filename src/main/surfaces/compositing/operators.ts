/** pixman's (and X Render's) compositing operators, the low byte of DRAW_COMPOSITE's flags. */
export const Op = {
  CLEAR: 0x00,
  SRC: 0x01,
  DST: 0x02,
  OVER: 0x03,
  OVER_REVERSE: 0x04,
  IN: 0x05,
  IN_REVERSE: 0x06,
  OUT: 0x07,
  OUT_REVERSE: 0x08,
  ATOP: 0x09,
  ATOP_REVERSE: 0x0a,
  XOR: 0x0b,
  ADD: 0x0c,
  SATURATE: 0x0d,
  DISJOINT_CLEAR: 0x10,
  DISJOINT_XOR: 0x1b,
  CONJOINT_CLEAR: 0x20,
  CONJOINT_XOR: 0x2b,
  MULTIPLY: 0x30,
  SCREEN: 0x31,
  OVERLAY: 0x32,
  DARKEN: 0x33,
  LIGHTEN: 0x34,
  COLOR_DODGE: 0x35,
  COLOR_BURN: 0x36,
  HARD_LIGHT: 0x37,
  SOFT_LIGHT: 0x38,
  DIFFERENCE: 0x39,
  EXCLUSION: 0x3a,
  HSL_HUE: 0x3b,
  HSL_SATURATION: 0x3c,
  HSL_COLOR: 0x3d,
  HSL_LUMINOSITY: 0x3e,
} as const;

/** Whether pixman defines the operator (0x00-0x0d, 0x10-0x1b, 0x20-0x2b, 0x30-0x3e). */
export function isOperator(op: number): boolean {
  return (op >= 0 && op <= 0x0d) || (op >= 0x10 && op <= 0x1b) || (op >= 0x20 && op <= 0x2b) || (op >= 0x30 && op <= 0x3e);
}

/**
 * Operators whose formulas divide, which pixman's general path computes in single-precision
 * float rather than 8-bit integers (pixman-general.c, operator_needs_division): SATURATE, the
 * disjoint and conjoint families, COLOR_DODGE, COLOR_BURN, SOFT_LIGHT and the four HSL modes.
 */
export function operatorNeedsFloat(op: number): boolean {
  if (op === Op.SATURATE) return true;
  if ((op >= 0x10 && op <= 0x1b) || (op >= 0x20 && op <= 0x2b)) return true;
  return op === Op.COLOR_DODGE || op === Op.COLOR_BURN || op === Op.SOFT_LIGHT || (op >= Op.HSL_HUE && op <= Op.HSL_LUMINOSITY);
}
