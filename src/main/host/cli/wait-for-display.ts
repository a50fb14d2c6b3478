import type { Session } from '../../session/session';
import { SessionError } from '../../session/session-error';

/**
 * Waits `delayMs`, then until no display message has been drawn for `settleMs` (counted from the
 * later of the last message and the end of the delay) and none waits to be (a large image
 * decoding on the worker can take longer than the settle time on a loaded machine), while a
 * primary surface exists. The wait after the delay is bounded by `timeoutMs`. Rejects with the
 * session's failure if it ends.
 */
export function waitForSettledDisplay(session: Session, delayMs: number, settleMs: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let lastActivity = Date.now();
    let deadline = Infinity;
    let quietFrom = Infinity;
    let poll: NodeJS.Timeout | undefined;
    const offActivity = session.on('displayActivity', () => {
      lastActivity = Date.now();
    });
    const offClosed = session.on('closed', (failure) => {
      finish();
      reject(failure ? new SessionError(failure.kind, failure.message) : new SessionError('closed', 'the session ended'));
    });
    const delay = setTimeout(() => {
      const now = Date.now();
      deadline = now + timeoutMs;
      quietFrom = now;
      poll = setInterval(check, Math.max(5, Math.min(50, settleMs)));
      check();
    }, delayMs);
    function finish(): void {
      clearTimeout(delay);
      if (poll) clearInterval(poll);
      offActivity();
      offClosed();
    }
    function check(): void {
      const now = Date.now();
      const quietSince = Math.max(lastActivity, quietFrom);
      if (session.primarySurface && !session.displayBusy && now - quietSince >= settleMs) {
        finish();
        resolve();
      } else if (now >= deadline) {
        finish();
        const what = session.primarySurface ? 'the display did not settle' : 'the server showed no display';
        reject(new SessionError('timeout', `${what} within ${timeoutMs} ms`));
      }
    }
  });
}
