// Test certificates made with the openssl command into a temp dir: a CA, server certificates it
// signs (valid, expired, for another host name), and an unrelated CA. `openssl ca` with
// -startdate/-enddate gives the expired one without faking the clock. Each server certificate
// also gets an x509 dir in the layout QEMU and Xspice read (ca-cert.pem, server-cert.pem,
// server-key.pem).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireProgram, runProgram } from './servers';

export interface ServerCertificate {
  /** A dir with ca-cert.pem, server-cert.pem, server-key.pem for QEMU's x509-dir / XSPICE_X509_DIR. */
  readonly x509Dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** The subject as remote-viewer's host-subject spells it. */
  readonly subject: string;
}

export interface TestCertificates {
  readonly dir: string;
  /** The CA that signed every server certificate below. */
  readonly caFile: string;
  readonly caPem: string;
  /** An unrelated CA: trusting only it must refuse every server certificate below. */
  readonly otherCaFile: string;
  /** O=Saffron Test,CN=localhost; subjectAltName DNS:localhost, IP:127.0.0.1. */
  readonly valid: ServerCertificate;
  /** Same names, valid only during 2020. */
  readonly expired: ServerCertificate;
  /** O=Saffron Test,OU=Elsewhere,CN=other.example; subjectAltName DNS:other.example only. */
  readonly otherHost: ServerCertificate;
  remove(): void;
}

const CA_CONFIG = (dir: string): string => `
[ ca ]
default_ca = test_ca
[ test_ca ]
database = ${dir}/index.txt
new_certs_dir = ${dir}/newcerts
serial = ${dir}/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[ localhost_ext ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[ other_ext ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.example
`;

async function openssl(args: string[]): Promise<void> {
  await runProgram('openssl', args, { timeoutMs: 30_000 });
}

export async function makeTestCertificates(): Promise<TestCertificates> {
  requireProgram('openssl');
  const dir = mkdtempSync(join(tmpdir(), 'saffron-certs-'));
  try {
    mkdirSync(join(dir, 'newcerts'));
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '1000\n');
    writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG(dir));
    const makeCa = async (name: string, subject: string): Promise<string> => {
      await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650', '-subj', subject,
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
        '-keyout', join(dir, `${name}-key.pem`), '-out', join(dir, `${name}-cert.pem`)]);
      return join(dir, `${name}-cert.pem`);
    };
    const caFile = await makeCa('ca', '/O=Saffron Test/CN=Saffron Test CA');
    const otherCaFile = await makeCa('other-ca', '/O=Saffron Test/CN=Unrelated CA');

    const makeServer = async (name: string, subjectPath: string, subject: string, extensions: string, dates: string[]): Promise<ServerCertificate> => {
      const x509Dir = join(dir, name);
      mkdirSync(x509Dir);
      const keyFile = join(x509Dir, 'server-key.pem');
      const certFile = join(x509Dir, 'server-cert.pem');
      const csr = join(dir, `${name}.csr`);
      await openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', subjectPath, '-keyout', keyFile, '-out', csr]);
      await openssl(['ca', '-batch', '-config', join(dir, 'ca.cnf'), '-cert', caFile, '-keyfile', join(dir, 'ca-key.pem'),
        '-in', csr, '-out', certFile, '-extensions', extensions, '-preserveDN', '-notext', ...dates]);
      writeFileSync(join(x509Dir, 'ca-cert.pem'), readFileSync(caFile));
      return { x509Dir, certFile, keyFile, subject };
    };
    const valid = await makeServer('valid', '/O=Saffron Test/CN=localhost', 'O=Saffron Test,CN=localhost', 'localhost_ext', ['-days', '3650']);
    const expired = await makeServer('expired', '/O=Saffron Test/CN=localhost', 'O=Saffron Test,CN=localhost', 'localhost_ext',
      ['-startdate', '20200101000000Z', '-enddate', '20201231000000Z']);
    const otherHost = await makeServer('other-host', '/O=Saffron Test/OU=Elsewhere/CN=other.example', 'O=Saffron Test,OU=Elsewhere,CN=other.example', 'other_ext', ['-days', '3650']);
    return {
      dir,
      caFile,
      caPem: readFileSync(caFile, 'utf8'),
      otherCaFile,
      valid,
      expired,
      otherHost,
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
