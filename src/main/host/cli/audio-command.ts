import { rename, rm, writeFile } from 'node:fs/promises';
import type { PlaybackFormat } from '../../channels/playback-channel';
import type { Logger } from '../../session/logger';
import { Session } from '../../session/session';
import { SessionError } from '../../session/session-error';
import { encodeWav } from '../../util/wav-encoder';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { connectionFromArgs, CONNECT_VALUED_OPTIONS } from './connect-options';
import { PcmTimeline } from './pcm-timeline';
import { OutputError } from './screenshot-command';
import { sessionEvent, sessionSleep } from './session-race';

export const AUDIO_USAGE = 'saffron audio <target> --seconds N --out FILE.wav [connection options]';

/** How long to wait for the server to open a playback channel after the main channel links. */
const PLAYBACK_LINK_TIMEOUT_MS = 10_000;
/** Used only when the server never started playback: the WAV is then silence at this rate. */
const DEFAULT_FORMAT = { frequency: 48_000, channels: 2 } as const;
const MAX_SECONDS = 3600;

/**
 * `saffron audio`: records what the playback channel delivers for N seconds counted from its
 * link, as a 16-bit PCM WAV at the server's rate. It advertises raw PCM only (the command line
 * decodes no Opus). Each packet lands at its multimedia time, so a pause in the guest's sound is
 * silence in the file, not a splice.
 */
export async function audioCommand(argv: readonly string[], env: NodeJS.ProcessEnv, log: Logger): Promise<void> {
  const args = parseArgs(argv, ['seconds', 'out', ...CONNECT_VALUED_OPTIONS]);
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`);
  const out = args.options.get('out');
  if (!out) throw new UsageError('--out FILE.wav is required');
  const seconds = secondsOption(args);
  const connection = connectionFromArgs(args, env);

  // Sound only: the display and input channels would cost decoding for nothing.
  const disabled = new Set([...(connection.options.disableChannels ?? []), 'display', 'inputs', 'cursor', 'record'] as const);
  const session = new Session({ ...connection.options, disableChannels: [...disabled], connectTimeoutMs: 10_000, log, agent: false, audio: { playback: { opus: false } } });
  let timeline: PcmTimeline | null = null;
  let linkTime: number | null = null;
  let format: PlaybackFormat | null = null;
  const durationMs = seconds * 1000;
  session.on('playbackStart', (started) => {
    if (linkTime === null) return;
    if (format !== null && (started.frequency !== format.frequency || started.channels !== format.channels)) {
      log.warn(`playback: the server switched to ${started.channels} channels at ${started.frequency} Hz; those packets are left out`);
      return;
    }
    format = started;
    timeline ??= new PcmTimeline(started.frequency, started.channels, linkTime, durationMs);
  });
  session.on('playbackData', (packet) => {
    if (timeline === null || format === null || packet.mode !== 'raw') return;
    timeline.place(packet.time, packet.data);
  });
  session.on('playbackStop', () => timeline?.stop());

  try {
    await session.connect();
    for (const notice of connection.notices) log.warn(notice);
    // linkTime is set by the listener itself: START may arrive with the link reply, before an await resumes.
    await sessionEvent<number>(
      session,
      (deliver) => session.once('playbackLinked', ({ time }) => {
        linkTime = time;
        deliver(time);
      }),
      PLAYBACK_LINK_TIMEOUT_MS,
      () => new SessionError('unsupported', `the server opened no playback channel within ${PLAYBACK_LINK_TIMEOUT_MS} ms (has the guest a sound device on SPICE?)`),
    );
    await sessionSleep(session, durationMs);
  } finally {
    session.disconnect();
  }

  const recorded = timeline as PcmTimeline | null;
  let wav: Uint8Array;
  if (recorded === null) {
    log.warn(`the guest played nothing within ${seconds} s: the WAV is silence (${DEFAULT_FORMAT.frequency} Hz assumed)`);
    const frames = Math.round(seconds * DEFAULT_FORMAT.frequency);
    wav = encodeWav(DEFAULT_FORMAT.frequency, DEFAULT_FORMAT.channels, new Uint8Array(frames * 2 * DEFAULT_FORMAT.channels));
  } else {
    log.debug(`audio: ${recorded.packets} packets, ${((recorded.soundFrames / recorded.frequency) * 1000).toFixed(0)} ms of sound in ${seconds} s`);
    wav = encodeWav(recorded.frequency, recorded.channels, recorded.samples);
  }
  await writeAtomically(out, wav);
}

function secondsOption(args: ParsedArgs): number {
  const text = args.options.get('seconds');
  if (text === undefined) throw new UsageError('--seconds N is required');
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0 || Number(text) > MAX_SECONDS) {
    throw new UsageError(`--seconds must be a number of seconds above 0 and at most ${MAX_SECONDS}`);
  }
  return Number(text);
}

/** The file appears whole or not at all (written beside, then renamed). */
export async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const partial = `${path}.partial-${process.pid}`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw new OutputError(`${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
