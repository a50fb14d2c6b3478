import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import { SPICE_MAX_PASSWORD_LENGTH, SPICE_TICKET_ENCRYPTED_BYTES } from '../../core/protocol/constants';

/**
 * SPICE ticket authentication: the password plus its terminating NUL, encrypted with RSA-OAEP
 * (SHA-1, as OpenSSL's RSA_PKCS1_OAEP_PADDING) under the 1024-bit key from the link reply.
 * With ticketing disabled the server still expects a ticket: that of the empty password.
 */
export class TicketError extends Error {
  override readonly name = 'TicketError';
}

export function encryptTicket(publicKeyDer: Uint8Array, password: string): Uint8Array {
  const secret = Buffer.from(`${password}\0`, 'utf8');
  try {
    if (secret.length - 1 > SPICE_MAX_PASSWORD_LENGTH) {
      throw new TicketError(`the password is longer than SPICE's limit of ${SPICE_MAX_PASSWORD_LENGTH} bytes`);
    }
    let encrypted: Buffer;
    try {
      const key = createPublicKey({ key: Buffer.from(publicKeyDer), format: 'der', type: 'spki' });
      encrypted = publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, secret);
    } catch (error) {
      throw new TicketError(`the server's ticket key is not usable (${(error as Error).message})`);
    }
    if (encrypted.length !== SPICE_TICKET_ENCRYPTED_BYTES) {
      throw new TicketError(`the server's ticket key produced ${encrypted.length} bytes instead of ${SPICE_TICKET_ENCRYPTED_BYTES}`);
    }
    return new Uint8Array(encrypted);
  } finally {
    secret.fill(0); // do not leave the password in this buffer
  }
}
