import type { VideoCodecName } from '../../shared/video-ipc';
import type { VideoCounts } from './video-player';

const LABELS: Readonly<Record<VideoCodecName, string>> = { mjpeg: 'MJPEG', vp8: 'VP8', vp9: 'VP9', h264: 'H.264' };

/**
 * The status bar's video note: which codecs played in this window and how many frames were
 * decoded here ("Video: VP8, 412 frames decoded"); null before any stream started.
 */
export function describeVideo(counts: VideoCounts): string | null {
  const parts: string[] = [];
  for (const codec of Object.keys(LABELS) as VideoCodecName[]) {
    if (counts.streams[codec] === undefined) continue;
    const frames = counts.frames[codec] ?? 0;
    parts.push(`${LABELS[codec]}, ${frames} ${frames === 1 ? 'frame' : 'frames'} decoded`);
  }
  if (parts.length === 0 && counts.failed === 0) return null;
  const failed = counts.failed > 0 ? `; ${counts.failed} ${counts.failed === 1 ? 'stream' : 'streams'} sent as images instead` : '';
  return `Video: ${parts.join('; ') || 'none decoded'}${failed}`;
}
