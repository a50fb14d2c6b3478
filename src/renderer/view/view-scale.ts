/**
 * How big the guest's monitors are drawn. 'auto' (the default) is 1:1 — one guest pixel on one
 * device pixel — whenever the window is large enough, and shrinks to fit otherwise; 'fit' scales
 * up or down to fill the window; 'zoom' is a fixed factor (1 = actual size).
 */
export type ViewMode = { readonly kind: 'auto' } | { readonly kind: 'fit' } | { readonly kind: 'zoom'; readonly factor: number };

export const ZOOM_STEPS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4];

export interface Size {
  readonly width: number;
  readonly height: number;
}

/**
 * The factor from guest pixels to CSS pixels for monitors placed side by side (`content` is
 * their total size in guest pixels), in an area of `available` CSS pixels.
 */
export function viewScale(mode: ViewMode, content: Size, available: Size, devicePixelRatio: number): number {
  const actual = 1 / devicePixelRatio;
  if (mode.kind === 'zoom') return mode.factor * actual;
  if (content.width <= 0 || content.height <= 0 || available.width <= 0 || available.height <= 0) return actual;
  const fit = Math.min(available.width / content.width, available.height / content.height);
  if (mode.kind === 'fit') return fit;
  return Math.min(actual, fit);
}

/** The next zoom step from the current scale (in device pixels per guest pixel). */
export function nextZoom(current: number, direction: 1 | -1): number {
  if (direction > 0) return ZOOM_STEPS.find((step) => step > current + 1e-6) ?? ZOOM_STEPS[ZOOM_STEPS.length - 1];
  return [...ZOOM_STEPS].reverse().find((step) => step < current - 1e-6) ?? ZOOM_STEPS[0];
}

/** The zoom as people read it: "100%", "80%", "Fit 150%" (device pixels per guest pixel). */
export function describeMode(mode: ViewMode, devicePixelsPerGuestPixel: number): string {
  const percent = `${Math.round(devicePixelsPerGuestPixel * 100)}%`;
  return mode.kind === 'fit' ? `Fit ${percent}` : percent;
}
