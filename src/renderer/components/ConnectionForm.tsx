import { useState, type FormEvent } from 'react';
import type { ConnectParams, SaveProfileParams } from '../../shared/ipc';
import type { PasswordStorage, Profile, ProfileFields } from '../../shared/profiles';

interface Props {
  /** The profile being edited (its fields fill the form), or null for a new connection. */
  readonly editing: Profile | null;
  /** Fields to start from when not editing (the last target). */
  readonly initial?: Partial<ProfileFields>;
  readonly passwordStorage: PasswordStorage | null;
  readonly onConnect: (params: ConnectParams, fullscreen: boolean) => void;
  readonly onSave: (params: SaveProfileParams) => void;
  readonly onCancelEdit: () => void;
}

function parsePort(text: string): number | undefined | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!/^\d{1,5}$/.test(trimmed) || Number(trimmed) < 1 || Number(trimmed) > 65535) return 'invalid';
  return Number(trimmed);
}

const optional = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());

/**
 * Where to connect: host, plain and TLS ports, the ticket (kept only until sent), and options.
 * "Connect" connects with what the form says; "Save profile" keeps it, its
 * password in the system keychain.
 */
export function ConnectionForm({ editing, initial, passwordStorage, onConnect, onSave, onCancelEdit }: Props) {
  const start = editing ?? initial ?? {};
  const [host, setHost] = useState(start.host ?? '');
  const [port, setPort] = useState(start.port !== undefined ? String(start.port) : '');
  const [tlsPort, setTlsPort] = useState(start.tlsPort !== undefined ? String(start.tlsPort) : '');
  const [password, setPassword] = useState('');
  const [name, setName] = useState(editing?.name ?? '');
  const [username, setUsername] = useState(start.username ?? '');
  const [tlsOnly, setTlsOnly] = useState(start.tlsOnly ?? false);
  const [caPem, setCaPem] = useState(start.caPem ?? '');
  const [hostSubject, setHostSubject] = useState(start.hostSubject ?? '');
  const [proxy, setProxy] = useState(start.proxy ?? '');
  const [fullscreen, setFullscreen] = useState(start.fullscreen ?? false);
  const canSavePassword = passwordStorage?.available ?? false;
  const [savePassword, setSavePassword] = useState(editing ? editing.hasPassword : canSavePassword);
  const [problem, setProblem] = useState<string | null>(null);

  /** The form's connection, or null after saying what is wrong. */
  const read = (): (ConnectParams & { tlsOnly: boolean }) | null => {
    const plain = parsePort(port);
    const tls = parsePort(tlsPort);
    if (host.trim() === '') return fail('Enter the host to connect to.');
    if (plain === 'invalid' || tls === 'invalid') return fail('Ports are whole numbers from 1 to 65535.');
    if (plain === undefined && tls === undefined) return fail('Enter a port or a TLS port.');
    if (tlsOnly && tls === undefined) return fail('"TLS for every channel" needs a TLS port.');
    if (optional(caPem) !== undefined && !caPem.includes('-----BEGIN CERTIFICATE-----')) return fail('The CA certificate must be PEM text (-----BEGIN CERTIFICATE-----).');
    if (optional(proxy) !== undefined && !/^http:\/\/[^\s/@?#]+(:\d{1,5})?\/?$/i.test(proxy.trim())) return fail('The proxy must look like http://proxy.example:3128.');
    setProblem(null);
    return {
      host: host.trim(),
      ...(plain !== undefined ? { port: plain } : {}),
      ...(tls !== undefined ? { tlsPort: tls } : {}),
      ...(optional(username) !== undefined ? { username: username.trim() } : {}),
      tlsOnly,
      ...(optional(caPem) !== undefined ? { caPem: caPem.trim() } : {}),
      ...(optional(hostSubject) !== undefined ? { hostSubject: hostSubject.trim() } : {}),
      ...(optional(proxy) !== undefined ? { proxy: proxy.trim() } : {}),
    };
  };
  const fail = (message: string): null => {
    setProblem(message);
    return null;
  };

  const connect = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const params = read();
    if (!params) return;
    onConnect({ ...params, ...(password !== '' ? { password } : {}) }, fullscreen);
    setPassword('');
  };

  const save = (): void => {
    const params = read();
    if (!params) return;
    const { password: _none, ...connection } = params;
    const fields: ProfileFields = { ...connection, name: name.trim() || (host.trim() + ':' + (port.trim() || tlsPort.trim())), fullscreen };
    const keep = savePassword && canSavePassword;
    onSave({
      ...(editing ? { id: editing.id } : {}),
      fields,
      ...(keep && password !== '' ? { password } : {}),
      ...(!savePassword && editing?.hasPassword ? { forgetPassword: true } : {}),
    });
    setPassword('');
  };

  return (
    <form className="connection-form" onSubmit={connect} aria-labelledby="connect-heading" noValidate>
      <h1 id="connect-heading">{editing ? `Edit “${editing.name}”` : 'Connect to a SPICE server'}</h1>
      <label htmlFor="connect-host">Host</label>
      <input id="connect-host" name="host" type="text" autoComplete="off" spellCheck={false} value={host} onChange={(e) => setHost(e.target.value)} autoFocus />
      <label htmlFor="connect-port">Port</label>
      <input id="connect-port" name="port" type="text" inputMode="numeric" autoComplete="off" value={port} onChange={(e) => setPort(e.target.value)} />
      <label htmlFor="connect-tls-port">TLS port</label>
      <input id="connect-tls-port" name="tlsPort" type="text" inputMode="numeric" autoComplete="off" value={tlsPort} onChange={(e) => setTlsPort(e.target.value)} />
      <label htmlFor="connect-password">Password</label>
      <input
        id="connect-password"
        name="password"
        type="password"
        autoComplete="off"
        placeholder={editing?.hasPassword ? 'saved in the keychain' : ''}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <details className="form-options" open={editing !== null}>
        <summary>Options</summary>
        <div className="form-options-grid">
          <label htmlFor="connect-name">Name</label>
          <input id="connect-name" type="text" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
          <label htmlFor="connect-username">User name (SASL)</label>
          <input id="connect-username" type="text" autoComplete="off" spellCheck={false} value={username} onChange={(e) => setUsername(e.target.value)} />
          <label htmlFor="connect-ca">CA certificate (PEM)</label>
          <textarea id="connect-ca" rows={3} spellCheck={false} value={caPem} onChange={(e) => setCaPem(e.target.value)} />
          <label htmlFor="connect-subject">Certificate subject</label>
          <input id="connect-subject" type="text" autoComplete="off" spellCheck={false} value={hostSubject} onChange={(e) => setHostSubject(e.target.value)} />
          <label htmlFor="connect-proxy">HTTP proxy</label>
          <input id="connect-proxy" type="text" autoComplete="off" spellCheck={false} placeholder="http://proxy:3128" value={proxy} onChange={(e) => setProxy(e.target.value)} />
          <span />
          <label className="check">
            <input type="checkbox" checked={tlsOnly} onChange={(e) => setTlsOnly(e.target.checked)} /> TLS for every channel
          </label>
          <span />
          <label className="check">
            <input type="checkbox" checked={fullscreen} onChange={(e) => setFullscreen(e.target.checked)} /> Open full screen
          </label>
          <span />
          <label className="check">
            <input type="checkbox" checked={savePassword && canSavePassword} disabled={!canSavePassword} onChange={(e) => setSavePassword(e.target.checked)} /> Save password in
            the keychain
          </label>
          {!canSavePassword && passwordStorage?.problem && <p className="form-note">Passwords cannot be saved: {passwordStorage.problem}</p>}
        </div>
      </details>
      {problem !== null && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
      <div className="form-buttons">
        <button type="submit">Connect</button>
        <button type="button" className="secondary" onClick={save}>
          {editing ? 'Save changes' : 'Save profile'}
        </button>
        {editing && (
          <button type="button" className="secondary" onClick={onCancelEdit}>
            Stop editing
          </button>
        )}
      </div>
    </form>
  );
}
