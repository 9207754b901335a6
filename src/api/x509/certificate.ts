/**
 * Issues X.509 v3 certificates with node:crypto and a hand-written DER
 * encoder. (@peculiar/x509 needs a global Reflect-metadata polyfill, which is
 * not installed; this is ~150 lines, has no global side effects and signs a
 * certificate in about a millisecond.)
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import {
  bitString, boolean, explicit, namedBits, octetString, oid, readTlv, sequence, set, time, tlv,
  unsignedInteger, utf8String,
} from './der.js';
import { ipBytes } from './ip.js';

/** A certificate and its private key, both PEM. */
export interface CertificatePem {
  certPem: string;
  keyPem: string;
}

export type ExtKeyUsage = 'serverAuth' | 'clientAuth';

export interface CertificateSpec {
  /** Subject CN. */
  commonName: string;
  /** Subject O values, one RDN each, in order (Kubernetes reads them as groups). @default [] */
  organizations?: string[];
  /** Validity in days from now (notBefore is backdated 5 minutes for clock skew). */
  validityDays: number;
  /** Make a CA (basicConstraints cA, keyUsage keyCertSign|cRLSign). @default false */
  isCA?: boolean;
  /** @default [] */
  extKeyUsages?: ExtKeyUsage[];
  /** SAN entries: IP literals become iPAddress, everything else dNSName. @default [] */
  sans?: string[];
  /** The signing CA. @default self-signed with the new key */
  issuer?: CertificatePem;
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** KeyUsage bit positions (RFC 5280 §4.2.1.3). */
const KU = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Generates a fresh ECDSA P-256 key and a certificate for it, per `spec`. */
export function issueCertificate(spec: CertificateSpec): CertificatePem {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const subject = encodeName(spec.commonName, spec.organizations ?? []);

  let issuerName = subject;
  let issuerKey: KeyObject = privateKey;
  let authorityKeyId: Buffer | undefined;
  if (spec.issuer) {
    const ca = describeCertificate(new X509Certificate(spec.issuer.certPem).raw);
    issuerName = ca.subject;
    authorityKeyId = ca.subjectKeyId ?? keyIdentifier(ca.spki);
    issuerKey = createPrivateKey(spec.issuer.keyPem);
  }
  const sigAlg = signatureAlgorithm(issuerKey);

  const now = Date.now();
  const notBefore = new Date(now - 5 * 60 * 1000);
  const notAfter = new Date(now + spec.validityDays * DAY_MS);
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive, 16 bytes, minimal encoding

  const extensions: Buffer[] = [];
  extensions.push(extension(OID.basicConstraints, true, spec.isCA ? sequence(boolean(true)) : sequence()));
  extensions.push(extension(OID.keyUsage, true, spec.isCA
    ? namedBits([KU.digitalSignature, KU.keyCertSign, KU.cRLSign])
    : namedBits([KU.digitalSignature, KU.keyEncipherment])));
  const ekus = spec.extKeyUsages ?? [];
  if (ekus.length > 0) extensions.push(extension(OID.extKeyUsage, false, sequence(...ekus.map((u) => oid(OID[u])))));
  extensions.push(extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spki))));
  if (authorityKeyId) {
    extensions.push(extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, authorityKeyId))));
  }
  const sans = spec.sans ?? [];
  if (sans.length > 0) extensions.push(extension(OID.subjectAltName, false, encodeSans(sans)));

  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))), // v3
    unsignedInteger(serial),
    sigAlg.identifier,
    issuerName,
    sequence(time(notBefore), time(notAfter)),
    subject,
    spki,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, issuerKey);
  const der = sequence(tbs, sigAlg.identifier, bitString(signature));

  return {
    certPem: toPem('CERTIFICATE', der),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function encodeName(commonName: string, organizations: string[]): Buffer {
  const rdn = (type: string, value: string): Buffer => set(sequence(oid(type), utf8String(value)));
  // Order as Go and OpenSSL print it: O before CN.
  return sequence(...organizations.map((o) => rdn(OID.organization, o)), rdn(OID.commonName, commonName));
}

function encodeSans(sans: string[]): Buffer {
  return sequence(...sans.map((san) => {
    const ip = ipBytes(san);
    if (ip) return tlv(0x87, ip); // [7] iPAddress
    if (!isDnsName(san)) throw new Error(`invalid subject alternative name "${san}": not an IP address or DNS name`);
    return tlv(0x82, Buffer.from(san.toLowerCase(), 'ascii')); // [2] dNSName
  }));
}

/**
 * True for names Go's x509 parser accepts as dNSName (printable ASCII, no
 * spaces); a malformed SAN would make every Go client reject the certificate.
 */
export function isDnsName(name: string): boolean {
  return /^[A-Za-z0-9*_.-]+$/.test(name) && name.length <= 253 && !name.startsWith('.');
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

function signatureAlgorithm(key: KeyObject): { identifier: Buffer } {
  switch (key.asymmetricKeyType) {
    case 'ec': return { identifier: sequence(oid(OID.ecdsaWithSha256)) };
    case 'rsa': return { identifier: sequence(oid(OID.sha256WithRsa), tlv(0x05, Buffer.alloc(0))) };
    default: throw new Error(`unsupported CA key type "${key.asymmetricKeyType ?? 'unknown'}"`);
  }
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(spki: Buffer): Buffer {
  const outer = readTlv(spki);
  const alg = readTlv(outer.value);
  const bits = readTlv(outer.value, alg.end);
  return createHash('sha1').update(bits.value.subarray(1)).digest();
}

/** The parts of an issuer certificate a child certificate needs. */
interface CertificateParts {
  /** The subject Name, raw TLV (becomes the child's issuer, byte for byte). */
  subject: Buffer;
  spki: Buffer;
  subjectKeyId?: Buffer;
}

function describeCertificate(der: Buffer): CertificateParts {
  const tbs = readTlv(readTlv(der).value);
  const fields: Buffer[] = [];
  const tagged = new Map<number, Buffer>();
  for (let pos = 0; pos < tbs.value.length;) {
    const t = readTlv(tbs.value, pos);
    if (t.tag >= 0xa0) tagged.set(t.tag, t.value);
    else fields.push(tbs.value.subarray(pos, t.end));
    pos = t.end;
  }
  // serial, signature, issuer, validity, subject, subjectPublicKeyInfo
  const [, , , , subject, spki] = fields;
  if (!subject || !spki) throw new Error('malformed CA certificate');
  return { subject, spki, subjectKeyId: findSubjectKeyId(tagged.get(0xa3)) };
}

function findSubjectKeyId(extensionsExplicit: Buffer | undefined): Buffer | undefined {
  if (!extensionsExplicit) return undefined;
  const list = readTlv(extensionsExplicit).value;
  const skiOid = oid(OID.subjectKeyIdentifier);
  for (let pos = 0; pos < list.length;) {
    const ext = readTlv(list, pos);
    const id = readTlv(ext.value);
    if (ext.value.subarray(0, id.end).equals(skiOid)) {
      let next = readTlv(ext.value, id.end);
      if (next.tag === 0x01) next = readTlv(ext.value, next.end); // critical flag
      return Buffer.from(readTlv(next.value).value);
    }
    pos = ext.end;
  }
  return undefined;
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * The first certificate and the first private key of a PEM text (the node-join
 * endpoints answer the certificate followed by its key); undefined unless both
 * are there.
 */
export function certificateAndKeyOf(pem: string): CertificatePem | undefined {
  const certPem = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/)?.[0];
  const keyPem = pem.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----\n?/)?.[0];
  return certPem && keyPem ? { certPem, keyPem } : undefined;
}
