import { useEffect, useState } from 'react';
import type { SaffronApi, StatusEvent } from '../shared/ipc';
import { ConnectionForm } from './components/ConnectionForm';
import { ErrorPanel } from './components/ErrorPanel';
import { SessionView } from './components/SessionView';

const IDLE: StatusEvent = { type: 'status', state: 'idle' };

/** The connection form until a session starts, then the session in the same window. */
export function App({ api }: { readonly api: SaffronApi }) {
  const [status, setStatus] = useState<StatusEvent>(IDLE);

  useEffect(() => {
    const off = api.on('status', setStatus);
    // Children subscribed in their own effects, which run first: now the host may talk.
    api.ready();
    return off;
  }, [api]);

  const inSession = status.state === 'connecting' || status.state === 'connected';
  return (
    <>
      {!inSession && (
        <main className="connect-page">
          {status.failure && <ErrorPanel failure={status.failure} />}
          <ConnectionForm initial={status.target} onConnect={(params) => api.connect(params)} />
        </main>
      )}
      <SessionView api={api} status={status} hidden={!inSession} />
    </>
  );
}
