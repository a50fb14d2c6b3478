import { useState, type FormEvent } from 'react';
import type { ConnectParams } from '../../shared/ipc';
import type { ConnectTarget } from '../../shared/session-types';

interface Props {
  readonly initial?: ConnectTarget;
  readonly onConnect: (params: ConnectParams) => void;
}

function parsePort(text: string): number | undefined | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!/^\d{1,5}$/.test(trimmed) || Number(trimmed) < 1 || Number(trimmed) > 65535) return 'invalid';
  return Number(trimmed);
}

/** Where to connect: host, plain and TLS ports, and the ticket (which is kept only until sent). */
export function ConnectionForm({ initial, onConnect }: Props) {
  const [host, setHost] = useState(initial?.host ?? '');
  const [port, setPort] = useState(initial?.port !== undefined ? String(initial.port) : '');
  const [tlsPort, setTlsPort] = useState(initial?.tlsPort !== undefined ? String(initial.tlsPort) : '');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const plain = parsePort(port);
    const tls = parsePort(tlsPort);
    if (host.trim() === '') return setProblem('Enter the host to connect to.');
    if (plain === 'invalid' || tls === 'invalid') return setProblem('Ports are whole numbers from 1 to 65535.');
    if (plain === undefined && tls === undefined) return setProblem('Enter a port or a TLS port.');
    setProblem(null);
    onConnect({
      host: host.trim(),
      ...(plain !== undefined ? { port: plain } : {}),
      ...(tls !== undefined ? { tlsPort: tls } : {}),
      ...(password !== '' ? { password } : {}),
    });
    setPassword('');
  };

  return (
    <form className="connection-form" onSubmit={submit} aria-labelledby="connect-heading" noValidate>
      <h1 id="connect-heading">Connect to a SPICE server</h1>
      <label htmlFor="connect-host">Host</label>
      <input id="connect-host" name="host" type="text" autoComplete="off" spellCheck={false} value={host} onChange={(e) => setHost(e.target.value)} autoFocus />
      <label htmlFor="connect-port">Port</label>
      <input id="connect-port" name="port" type="text" inputMode="numeric" autoComplete="off" value={port} onChange={(e) => setPort(e.target.value)} />
      <label htmlFor="connect-tls-port">TLS port</label>
      <input id="connect-tls-port" name="tlsPort" type="text" inputMode="numeric" autoComplete="off" value={tlsPort} onChange={(e) => setTlsPort(e.target.value)} />
      <label htmlFor="connect-password">Password</label>
      <input id="connect-password" name="password" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
      {problem !== null && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
      <button type="submit">Connect</button>
    </form>
  );
}
