import type { VideoCodecName } from '../../shared/video-ipc';

/** The WebCodecs codec string each SPICE codec is configured with (and probed by). */
export const WEBCODECS_STRINGS: Readonly<Record<Exclude<VideoCodecName, 'mjpeg'>, string>> = {
  vp9: 'vp09.00.10.08',
  // Constrained Baseline, level 3.1: what x264's ultrafast preset (spice-server's) produces;
  // the decoder takes higher profiles and levels alike.
  h264: 'avc1.42E01F',
  vp8: 'vp8',
};

/** If a probe hangs (a broken media stack), the renderer reports what it knows by then. */
const PROBE_TIMEOUT_MS = 3000;

async function webCodecsSupports(codec: string): Promise<boolean> {
  if (typeof VideoDecoder === 'undefined') return false;
  try {
    const support = await VideoDecoder.isConfigSupported({ codec, optimizeForLatency: true });
    return support.supported === true;
  } catch {
    return false;
  }
}

/**
 * What this renderer can decode, best first: VP9, H.264 and VP8 when WebCodecs' VideoDecoder
 * takes them (Chromium offers WebCodecs in secure contexts only: http://127.0.0.1 and the
 * Electron app's scheme are), MJPEG when JPEGs decode to bitmaps (createImageBitmap).
 */
export async function probeVideoCodecs(): Promise<VideoCodecName[]> {
  const probe = (async () => {
    const found: VideoCodecName[] = [];
    for (const name of ['vp9', 'h264', 'vp8'] as const) if (await webCodecsSupports(WEBCODECS_STRINGS[name])) found.push(name);
    if (typeof createImageBitmap === 'function' && typeof Blob === 'function') found.push('mjpeg');
    return found;
  })();
  const timeout = new Promise<VideoCodecName[]>((resolve) => setTimeout(() => resolve([]), PROBE_TIMEOUT_MS));
  return Promise.race([probe, timeout]);
}
