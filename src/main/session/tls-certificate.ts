import type { NameAttribute } from '../profiles/host-subject';

/**
 * The subject of an X.509 certificate, read from its DER bytes in the certificate's own order
 * (Node's parsed `subject` object loses the order and merges repeated attributes).
 *
 *   Certificate    ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
 *   TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber INTEGER, signature SEQUENCE,
 *                                 issuer Name, validity SEQUENCE, subject Name, ... }
 *   Name           ::= SEQUENCE OF SET OF SEQUENCE { type OBJECT IDENTIFIER, value ANY(string) }
 */
export class CertificateParseError extends Error {
  override readonly name = 'CertificateParseError';
}

interface DerElement {
  readonly tag: number;
  /** Offset of the contents, and their length. */
  readonly start: number;
  readonly length: number;
  /** Offset just past the element. */
  readonly end: number;
}

function readElement(der: Uint8Array, offset: number, limit: number): DerElement {
  if (offset + 2 > limit) throw new CertificateParseError('truncated DER element');
  const tag = der[offset];
  let lengthByte = der[offset + 1];
  let start = offset + 2;
  let length: number;
  if (lengthByte < 0x80) {
    length = lengthByte;
  } else {
    lengthByte &= 0x7f;
    if (lengthByte === 0 || lengthByte > 4 || start + lengthByte > limit) throw new CertificateParseError('bad DER length');
    length = 0;
    for (let i = 0; i < lengthByte; i++) length = length * 256 + der[start + i];
    start += lengthByte;
  }
  if (start + length > limit) throw new CertificateParseError('DER element runs past its parent');
  return { tag, start, length, end: start + length };
}

function children(der: Uint8Array, parent: DerElement): DerElement[] {
  const items: DerElement[] = [];
  for (let offset = parent.start; offset < parent.end; ) {
    const item = readElement(der, offset, parent.end);
    items.push(item);
    offset = item.end;
  }
  return items;
}

function decodeOid(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new CertificateParseError('empty OID');
  const parts: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift()!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

const SEQUENCE = 0x30;
const SET = 0x31;
const OID = 0x06;
const BMP_STRING = 0x1e;
const UNIVERSAL_STRING = 0x1c;

function decodeString(tag: number, bytes: Uint8Array): string {
  if (tag === BMP_STRING) {
    let text = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) text += String.fromCharCode((bytes[i] << 8) | bytes[i + 1]);
    return text;
  }
  if (tag === UNIVERSAL_STRING) {
    let text = '';
    for (let i = 0; i + 3 < bytes.length; i += 4) text += String.fromCodePoint(((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0);
    return text;
  }
  // UTF8String, PrintableString, IA5String, TeletexString (as Latin-1 would differ only in rare cases).
  return Buffer.from(bytes).toString('utf8');
}

/** The subject's attributes, in order. */
export function certificateSubject(der: Uint8Array): NameAttribute[] {
  const certificate = readElement(der, 0, der.length);
  if (certificate.tag !== SEQUENCE) throw new CertificateParseError('not a certificate');
  const tbs = children(der, certificate)[0];
  if (!tbs || tbs.tag !== SEQUENCE) throw new CertificateParseError('no TBSCertificate');
  const fields = children(der, tbs);
  const index = fields[0]?.tag === 0xa0 ? 5 : 4; // [0] version present or not
  const subject = fields[index];
  if (!subject || subject.tag !== SEQUENCE) throw new CertificateParseError('no subject name');
  const attributes: NameAttribute[] = [];
  for (const rdn of children(der, subject)) {
    if (rdn.tag !== SET) throw new CertificateParseError('bad relative distinguished name');
    for (const pair of children(der, rdn)) {
      const [type, value] = children(der, pair);
      if (pair.tag !== SEQUENCE || !type || type.tag !== OID || !value) throw new CertificateParseError('bad name attribute');
      attributes.push({ oid: decodeOid(der.subarray(type.start, type.end)), value: decodeString(value.tag, der.subarray(value.start, value.end)) });
    }
  }
  return attributes;
}
