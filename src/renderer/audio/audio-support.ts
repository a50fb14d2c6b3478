/**
 * What this page's WebCodecs can do with Opus, told to the host before it connects so it asks
 * the server for Opus only when the renderer can decode (and encode) it. A browser without
 * WebCodecs, or one that does not answer in time, gets raw PCM.
 */
import type { AudioSupport } from '../../shared/ipc';

const ANSWER_WITHIN_MS = 2000;
/** SPICE's Opus: 48 kHz stereo. */
const OPUS_CONFIG = { codec: 'opus', sampleRate: 48_000, numberOfChannels: 2 } as const;

async function supported(check: () => Promise<{ supported?: boolean }>): Promise<boolean> {
  try {
    return (await check()).supported === true;
  } catch {
    return false;
  }
}

export async function probeAudioSupport(): Promise<AudioSupport> {
  const probe = Promise.all([
    typeof AudioDecoder === 'function' ? supported(() => AudioDecoder.isConfigSupported(OPUS_CONFIG)) : Promise.resolve(false),
    typeof AudioEncoder === 'function' ? supported(() => AudioEncoder.isConfigSupported({ ...OPUS_CONFIG, bitrate: 64_000 })) : Promise.resolve(false),
  ]).then(([playbackOpus, recordOpus]) => ({ playbackOpus, recordOpus }));
  const timeout = new Promise<AudioSupport>((resolve) => setTimeout(() => resolve({ playbackOpus: false, recordOpus: false }), ANSWER_WITHIN_MS));
  return Promise.race([probe, timeout]);
}
