import type { Session } from '../../session/session';
import { SessionError } from '../../session/session-error';

function endedError(failure: { kind: SessionError['kind']; message: string } | null): SessionError {
  return failure ? new SessionError(failure.kind, failure.message) : new SessionError('closed', 'the server ended the session');
}

/**
 * Waits for `work`, unless the session ends first: then rejects with the session's failure (or
 * "the server ended the session" when it closed without one). `cleanup` runs either way, so a
 * timer behind `work` does not keep the process alive.
 */
export function raceSession<T>(session: Session, work: Promise<T>, cleanup: () => void = () => {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (session.state === 'disconnected') {
      cleanup();
      reject(new SessionError('closed', 'the session has ended'));
      return;
    }
    const off = session.on('closed', (failure) => {
      cleanup();
      reject(endedError(failure));
    });
    work.then(
      (value) => {
        off();
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        off();
        cleanup();
        reject(error);
      },
    );
  });
}

/** Waits `ms` while the session lives; rejects at once if it ends. */
export function sessionSleep(session: Session, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const slept = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return raceSession(session, slept, () => clearTimeout(timer));
}

/**
 * Waits for one session event (subscribe before it can happen), rejecting with `onTimeout()`
 * after `timeoutMs`, or with the session's failure if it ends first.
 */
export function sessionEvent<T>(session: Session, subscribe: (deliver: (value: T) => void) => () => void, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: () => void = () => {};
  const arrived = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
    unsubscribe = subscribe(resolve);
  });
  return raceSession(session, arrived, () => {
    clearTimeout(timer);
    unsubscribe();
  });
}
