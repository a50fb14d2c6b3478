/**
 * The session's sound, for React: plays the guest's playback (AudioPlayer), and handles the
 * guest's microphone requests — the person is asked once per session, their answer kept until
 * the session ends; capture runs while the guest records and the person allows it.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RecordStartEvent, SaffronApi } from '../../shared/ipc';
import type { SessionState } from '../../shared/session-types';
import { AudioPlayer, type PlayerState } from './audio-player';
import { Microphone, MicrophoneError } from './microphone';

export type MicrophoneDecision = 'ask' | 'allowed' | 'denied';

export interface SessionAudio {
  readonly player: PlayerState;
  readonly localMuted: boolean;
  toggleLocalMute(): void;
  /** Set while the guest wants the microphone and the person has not answered yet. */
  readonly microphoneRequest: RecordStartEvent | null;
  /** The microphone is being captured and sent. */
  readonly microphoneOn: boolean;
  allowMicrophone(): void;
  denyMicrophone(): void;
  /** Stops the microphone and refuses it for the rest of the session. */
  revokeMicrophone(): void;
  /** The latest problem with sound or the microphone, in a few words; null when none. */
  readonly problem: string | null;
}

export function useSessionAudio(api: SaffronApi, state: SessionState): SessionAudio {
  const [player, setPlayer] = useState<PlayerState>({ playing: false, mode: null, frequency: null, channels: null, blocked: false });
  const [localMuted, setLocalMuted] = useState(false);
  const [recording, setRecording] = useState<RecordStartEvent | null>(null);
  const [decision, setDecision] = useState<MicrophoneDecision>('ask');
  const [microphoneOn, setMicrophoneOn] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const noticeRef = useRef((message: string) => {
    console.warn(`saffron: ${message}`);
    setProblem(message);
  });
  const audioPlayer = useMemo(() => {
    const instance: AudioPlayer = new AudioPlayer(
      () => setPlayer(instance.state),
      (message) => noticeRef.current(`Sound: ${message}`),
    );
    return instance;
  }, []);

  useEffect(() => {
    const offs = [
      api.on('playbackStart', (event) => audioPlayer.start(event)),
      api.on('playbackData', (event) => audioPlayer.data(event)),
      api.on('playbackStop', () => audioPlayer.stop()),
      api.on('playbackVolume', (event) => audioPlayer.setVolume(event.volumes)),
      api.on('playbackMute', (event) => audioPlayer.setServerMuted(event.muted)),
      api.on('playbackLatency', (event) => audioPlayer.setLatency(event.latencyMs)),
      api.on('recordStart', setRecording),
      api.on('recordStop', () => setRecording(null)),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [api, audioPlayer]);

  // The browser may hold sound until the person interacts with the page (a session opened at launch).
  useEffect(() => {
    if (!player.blocked) return;
    const resume = (): void => audioPlayer.resume();
    window.addEventListener('pointerdown', resume, true);
    window.addEventListener('keydown', resume, true);
    return () => {
      window.removeEventListener('pointerdown', resume, true);
      window.removeEventListener('keydown', resume, true);
    };
  }, [player.blocked, audioPlayer]);

  // The session is over: sound off, microphone closed, the answer forgotten.
  useEffect(() => {
    if (state === 'disconnected' || state === 'idle') {
      audioPlayer.close();
      setRecording(null);
      setDecision('ask');
      setProblem(null);
    }
  }, [state, audioPlayer]);

  // Capture while the guest records and the person allowed it.
  useEffect(() => {
    if (!recording || decision !== 'allowed') return;
    let cancelled = false;
    const microphone = new Microphone(
      recording,
      (data) => api.sendRecordSamples(data),
      (reason) => {
        setMicrophoneOn(false);
        noticeRef.current(`Microphone off: ${reason}`);
      },
    );
    microphone.start().then(
      () => {
        if (!cancelled) setMicrophoneOn(true);
      },
      (error: unknown) => {
        if (cancelled) return;
        noticeRef.current(`Microphone: ${error instanceof MicrophoneError ? error.message : 'it could not be started'}`);
      },
    );
    return () => {
      cancelled = true;
      microphone.stop();
      setMicrophoneOn(false);
    };
  }, [recording, decision, api]);

  useEffect(() => audioPlayer.setLocalMuted(localMuted), [localMuted, audioPlayer]);
  useEffect(() => () => audioPlayer.close(), [audioPlayer]);

  const toggleLocalMute = useCallback(() => {
    setLocalMuted((muted) => !muted);
    audioPlayer.resume();
  }, [audioPlayer]);

  return {
    player,
    localMuted,
    toggleLocalMute,
    microphoneRequest: recording && decision === 'ask' ? recording : null,
    microphoneOn,
    allowMicrophone: () => setDecision('allowed'),
    denyMicrophone: () => setDecision('denied'),
    revokeMicrophone: () => setDecision('denied'),
    problem,
  };
}
