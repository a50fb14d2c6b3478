import type { SessionAudio } from '../audio/use-session-audio';

function describeFormat(audio: SessionAudio): string {
  const { mode, frequency, channels } = audio.player;
  if (mode === null || frequency === null || channels === null) return '';
  const layout = channels === 1 ? 'mono' : channels === 2 ? 'stereo' : `${channels} channels`;
  return `${mode === 'opus' ? 'Opus' : 'PCM'}, ${frequency / 1000} kHz ${layout}`;
}

/** The status bar's sound items: the local Sound switch, what plays, and the microphone while it is on. */
export function SoundStatus({ audio }: { readonly audio: SessionAudio }) {
  const { player } = audio;
  const format = describeFormat(audio);
  return (
    <span className="status-sound" role="group" aria-label="Sound">
      <button
        type="button"
        className="secondary"
        aria-pressed={!audio.localMuted}
        title={audio.localMuted ? 'Sound is muted here; click to hear the guest' : 'Click to mute the guest here'}
        onClick={audio.toggleLocalMute}
      >
        {audio.localMuted ? 'Sound off' : 'Sound on'}
      </button>
      {player.playing && !player.blocked && (
        <span className="sound-playing" role="status" aria-label="Sound playing" title={format}>
          ♪ Playing ({format})
        </span>
      )}
      {player.playing && player.blocked && <span className="sound-blocked">Sound held by the browser: click the page to hear it</span>}
      {audio.problem && <span className="sound-problem">{audio.problem}</span>}
      {audio.microphoneOn && (
        <span className="microphone-on" role="status" aria-label="Microphone on">
          ● Microphone on
          <button type="button" className="secondary" onClick={audio.revokeMicrophone}>
            Stop microphone
          </button>
        </span>
      )}
    </span>
  );
}

/** Asks once per session whether the guest may use the microphone. */
export function MicrophonePrompt({ audio }: { readonly audio: SessionAudio }) {
  if (!audio.microphoneRequest) return null;
  return (
    <div className="microphone-prompt" role="alertdialog" aria-label="Microphone request" aria-describedby="microphone-prompt-text">
      <p id="microphone-prompt-text">The guest wants to use your microphone.</p>
      <p className="hint">Your answer holds until this session ends.</p>
      <button type="button" onClick={audio.allowMicrophone}>
        Allow
      </button>
      <button type="button" className="secondary" onClick={audio.denyMicrophone}>
        Deny
      </button>
    </div>
  );
}
