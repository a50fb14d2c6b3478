import type { Failure } from '../../shared/errors';

const TITLES: Readonly<Record<Failure['kind'], string>> = {
  connect: 'Could not connect',
  tls: 'Secure connection failed',
  auth: 'Authentication failed',
  protocol: 'The server sent something Saffron cannot use',
  closed: 'Connection lost',
  timeout: 'Timed out',
  unsupported: 'Not supported yet',
};

/** Why the last session ended, as the engine said it (one line, never a secret). */
export function ErrorPanel({ failure }: { readonly failure: Failure }) {
  return (
    <section className="error-panel" role="alert" aria-labelledby="error-title">
      <h2 id="error-title">{TITLES[failure.kind]}</h2>
      <p>{failure.message}</p>
    </section>
  );
}
