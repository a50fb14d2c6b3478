import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { TlsSettings } from '../profiles/connect-options';
import { formatName, namesMatch, parseHostSubject } from '../profiles/host-subject';
import { certificateSubject } from './tls-certificate';

/** A certificate whose subject is not the host-subject we were given. */
class SubjectMismatchError extends Error {
  readonly code = 'ERR_SAFFRON_SUBJECT_MISMATCH';
}

/**
 * remote-viewer's identity check: with a host-subject, the certificate's subject must equal it
 * (same attributes in the same order, compared as OpenSSL's X509_NAME_cmp does); without one,
 * the host name must match the certificate (subjectAltName, then CN). Returns an Error to refuse.
 */
export function verifyServerIdentity(hostname: string, certificate: PeerCertificate, hostSubject: string | undefined): Error | undefined {
  if (hostSubject === undefined) return checkServerIdentity(hostname, certificate);
  const expected = parseHostSubject(hostSubject);
  let actual;
  try {
    actual = certificateSubject(new Uint8Array(certificate.raw));
  } catch (error) {
    return new SubjectMismatchError(`the server's certificate subject cannot be read (${(error as Error).message})`);
  }
  if (namesMatch(expected, actual)) return undefined;
  return new SubjectMismatchError(`the server's certificate subject "${formatName(actual)}" is not the expected host-subject "${formatName(expected)}"`);
}

type Peer = Partial<PeerCertificate> | null;

function issuerText(peer: Peer): string {
  const issuer = peer?.issuer;
  if (!issuer) return '';
  const parts = Object.entries(issuer).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`);
  return parts.length > 0 ? `, issued by ${parts.join(',')}` : '';
}

/** One line naming the certificate problem (or the handshake problem) for the user. */
export function describeTlsError(error: NodeJS.ErrnoException, settings: TlsSettings, peer: Peer): string {
  const ca = settings.caSource ?? (settings.caPem !== undefined ? 'the given CA' : "the system's CAs");
  switch (error.code) {
    case 'ERR_SAFFRON_SUBJECT_MISMATCH':
      return error.message;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the server's certificate does not match the host name (${error.message.replace(/^Hostname\/IP does not match certificate's altnames: /, '')}); give --host-subject if the certificate names the server differently`;
    case 'CERT_HAS_EXPIRED':
      return `the server's certificate has expired${peer?.valid_to ? ` (valid until ${peer.valid_to})` : ''}`;
    case 'CERT_NOT_YET_VALID':
      return `the server's certificate is not valid yet${peer?.valid_from ? ` (valid from ${peer.valid_from})` : ''}`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'CERT_SIGNATURE_FAILURE':
    case 'CERT_UNTRUSTED':
      return `the server's certificate is not signed by a trusted CA (checked against ${ca}${issuerText(peer)}; ${error.code})`;
    case 'CERT_REVOKED':
      return "the server's certificate has been revoked";
    case 'ERR_SSL_NO_SHARED_CIPHER':
    case 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE':
      return `the TLS handshake failed: no cipher both sides accept${settings.ciphers ? ` (cipher list "${settings.ciphers}")` : ''}`;
    case 'ERR_SSL_NO_CIPHER_MATCH':
      return `the cipher list "${settings.ciphers ?? ''}" names no cipher this client knows`;
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the server closed the connection during the TLS handshake (is this the TLS port?)';
    default:
      break;
  }
  if (/PEM|certificate|asn1|x509/i.test(error.message ?? '') && /routines/i.test(error.message ?? '')) {
    return `the CA certificate from ${ca} cannot be read (${error.message.replace(/^error:[0-9A-F]+:/, '')})`;
  }
  if (/wrong version number|packet length too long|unknown protocol/i.test(error.message ?? '')) {
    return 'the server does not speak TLS on this port (is it the plain port rather than the tls-port?)';
  }
  return `the TLS handshake failed (${error.code ?? 'error'}: ${error.message})`;
}
