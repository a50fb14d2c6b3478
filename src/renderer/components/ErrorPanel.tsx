import { useState, type FormEvent } from 'react';
import type { Failure } from '../../shared/errors';
import type { ConnectTarget } from '../../shared/session-types';
import { describeTarget } from './format';

const TITLES: Readonly<Record<Failure['kind'], string>> = {
  connect: 'Could not connect',
  tls: 'Secure connection failed',
  auth: 'The server refused the password',
  protocol: 'The server sent something Saffron cannot use',
  closed: 'Connection lost',
  timeout: 'Timed out',
  unsupported: 'Not supported yet',
};

/** What to do about each kind of failure, in one sentence. */
const ADVICE: Readonly<Record<Failure['kind'], string>> = {
  connect: 'Check the host and port, that the virtual machine is running with SPICE enabled, and that no firewall is in the way.',
  tls: 'Check the TLS port, and the CA certificate and certificate subject in the connection options.',
  auth: 'Enter the password (the SPICE ticket) the virtual machine was given, and log in again.',
  protocol: 'This is likely a bug in Saffron or the server; connecting again may work. Please report it with the message above.',
  closed: 'The virtual machine may have shut down, or another viewer took over the console. Connect again when it is back.',
  timeout: 'The server did not answer in time: check the address, and that the server is reachable from here.',
  unsupported: 'The server asks for something Saffron cannot do yet; remote-viewer may be able to connect meanwhile.',
};

interface Props {
  readonly failure: Failure;
  readonly target?: ConnectTarget;
  /** Connects again to the same place (with a new password when given). Absent: no retry. */
  readonly onRetry?: (password?: string) => void;
}

/** Why the last session ended, what to do about it, and — when the password was refused — a prompt for it. */
export function ErrorPanel({ failure, target, onRetry }: Props) {
  const [password, setPassword] = useState('');
  const where = target ? describeTarget(target) : 'the server';
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    onRetry?.(password);
    setPassword('');
  };
  return (
    <section className="error-panel" role="alert" aria-labelledby="error-title">
      <h2 id="error-title">{TITLES[failure.kind]}</h2>
      <p>{failure.message}</p>
      <p className="error-advice">{ADVICE[failure.kind]}</p>
      {failure.kind === 'auth' && onRetry && (
        <form className="password-prompt" onSubmit={submit}>
          <label htmlFor="retry-password">Password for {where}</label>
          <input id="retry-password" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
          <button type="submit">Log in</button>
        </form>
      )}
      {failure.kind !== 'auth' && onRetry && (
        <button type="button" onClick={() => onRetry()}>
          Try again
        </button>
      )}
    </section>
  );
}
