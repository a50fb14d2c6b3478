import { ConnectOptionError } from './connect-options';

/** One attribute of a distinguished name: its type as an OID ("2.5.4.3") and its value. */
export interface NameAttribute {
  readonly oid: string;
  readonly value: string;
}

/** Attribute names OpenSSL knows (short and long forms) → OID. */
const ATTRIBUTE_OIDS: Readonly<Record<string, string>> = {
  CN: '2.5.4.3', commonName: '2.5.4.3',
  SN: '2.5.4.4', surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  C: '2.5.4.6', countryName: '2.5.4.6',
  L: '2.5.4.7', localityName: '2.5.4.7',
  ST: '2.5.4.8', stateOrProvinceName: '2.5.4.8',
  street: '2.5.4.9', streetAddress: '2.5.4.9',
  O: '2.5.4.10', organizationName: '2.5.4.10',
  OU: '2.5.4.11', organizationalUnitName: '2.5.4.11',
  title: '2.5.4.12',
  postalCode: '2.5.4.17',
  GN: '2.5.4.42', givenName: '2.5.4.42',
  initials: '2.5.4.43',
  generationQualifier: '2.5.4.44',
  dnQualifier: '2.5.4.46',
  pseudonym: '2.5.4.65',
  emailAddress: '1.2.840.113549.1.9.1',
  UID: '0.9.2342.19200300.100.1.1', userId: '0.9.2342.19200300.100.1.1',
  DC: '0.9.2342.19200300.100.1.25', domainComponent: '0.9.2342.19200300.100.1.25',
};

const SHORT_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(ATTRIBUTE_OIDS).filter(([name]) => name.length <= 2 || ['serialNumber', 'street', 'title', 'postalCode', 'initials', 'generationQualifier', 'dnQualifier', 'pseudonym', 'emailAddress'].includes(name)).map(([name, oid]) => [oid, name]),
);

function oidOf(name: string): string | undefined {
  if (/^\d+(\.\d+)+$/.test(name)) return name;
  const exact = ATTRIBUTE_OIDS[name];
  if (exact) return exact;
  const lower = name.toLowerCase();
  const found = Object.keys(ATTRIBUTE_OIDS).find((known) => known.toLowerCase() === lower && known.length > 2);
  return found ? ATTRIBUTE_OIDS[found] : undefined;
}

/**
 * Parses a host-subject as remote-viewer takes it: "C=XX,L=City,O=Example,CN=host", one
 * attribute per comma, in the certificate's own order. "\," is a literal comma and "\\" a
 * backslash; blanks before an attribute name are skipped, everything else is kept.
 */
export function parseHostSubject(text: string): NameAttribute[] {
  const attributes: NameAttribute[] = [];
  let key = '';
  let value = '';
  let inValue = false;
  const bad = (why: string): never => {
    throw new ConnectOptionError(`host-subject "${text}": ${why}`);
  };
  const finish = (): void => {
    if (value === '') bad(`${key} has an empty value`);
    const oid = oidOf(key);
    if (!oid) bad(`unknown attribute "${key}"`);
    attributes.push({ oid: oid!, value });
    key = '';
    value = '';
    inValue = false;
  };
  for (let i = 0; i < text.length; i++) {
    let ch = text[i];
    let escaped = false;
    if (ch === '\\') {
      ch = text[++i];
      if (ch !== '\\' && ch !== ',') bad('only "\\," and "\\\\" may follow a backslash');
      escaped = true;
    }
    if (!inValue) {
      if (ch === ' ' && key === '' && !escaped) continue;
      if (ch === ',' && !escaped) bad('an attribute has no "="');
      if (ch === '=' && !escaped) {
        if (key === '') bad('an attribute has no name');
        inValue = true;
      } else {
        key += ch;
      }
    } else if (ch === ',' && !escaped) {
      finish();
    } else {
      value += ch;
    }
  }
  if (inValue) finish();
  else if (key !== '') bad(`"${key}" has no "="`);
  if (attributes.length === 0) bad('it names no attribute');
  return attributes;
}

/** A name for people: "O=Example,CN=host" (commas in values escaped). */
export function formatName(attributes: readonly NameAttribute[]): string {
  return attributes.map(({ oid, value }) => `${SHORT_NAMES[oid] ?? oid}=${value.replace(/\\/g, '\\\\').replace(/,/g, '\\,')}`).join(',');
}

/**
 * Compares as OpenSSL's X509_NAME_cmp does on canonical encodings: same attributes in the same
 * order, values equal once leading/trailing blanks are dropped, inner runs of blanks become one
 * space, and ASCII letters are lower-cased.
 */
export function namesMatch(expected: readonly NameAttribute[], actual: readonly NameAttribute[]): boolean {
  if (expected.length !== actual.length) return false;
  return expected.every((attribute, i) => attribute.oid === actual[i].oid && canonical(attribute.value) === canonical(actual[i].value));
}

function canonical(value: string): string {
  return value.trim().replace(/\s+/g, ' ').replace(/[A-Z]/g, (c) => c.toLowerCase());
}
