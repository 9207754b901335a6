/**
 * Container image references as Docker and containerd read them
 * (github.com/distribution/reference: ParseNormalizedNamed, then a default
 * ":latest" tag): `busybox` is `docker.io/library/busybox:latest`,
 * `index.docker.io/x/y` is `docker.io/x/y:latest`, and a first component
 * with a dot, a colon, uppercase letters or `localhost` is a registry host.
 * Pure functions, no I/O.
 */

export interface ImageReference {
  /** Registry host, with port if any ("docker.io", "localhost:5000"). */
  domain: string;
  /** Repository path below the domain ("library/busybox"). */
  path: string;
  tag?: string;
  /** "algorithm:hex". */
  digest?: string;
}

/** An image string that is not a valid reference; the kubelet's reason for it is InvalidImageName. */
export class InvalidImageReferenceError extends Error {
  override readonly name = 'InvalidImageReferenceError';
  constructor(readonly reference: string, reason: string) {
    super(`couldn't parse image name ${JSON.stringify(reference)}: ${reason}`);
  }
}

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const MAX_NAME_LENGTH = 255;

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;

/** Parses a reference as Docker does, filling in docker.io and library/; does not add a tag. */
export function parseImageReference(ref: string): ImageReference {
  if (ref === '') throw new InvalidImageReferenceError(ref, 'repository name must have at least one component');
  if (IDENTIFIER.test(ref)) throw new InvalidImageReferenceError(ref, 'cannot specify 64-byte hexadecimal strings');
  const [domain, remainder] = splitDomain(ref);
  const tagSep = remainder.indexOf(':');
  const remoteName = tagSep >= 0 ? remainder.slice(0, tagSep) : remainder;
  if (remoteName.toLowerCase() !== remoteName) {
    throw new InvalidImageReferenceError(ref, `repository name (${remoteName}) must be lowercase`);
  }
  const m = REFERENCE.exec(`${domain}/${remainder}`);
  if (!m) throw new InvalidImageReferenceError(ref, 'invalid reference format');
  if (m[1].length > MAX_NAME_LENGTH) throw new InvalidImageReferenceError(ref, `repository name must not be more than ${MAX_NAME_LENGTH} characters`);
  const out: ImageReference = { domain, path: m[1].slice(domain.length + 1) };
  if (m[2] !== undefined) out.tag = m[2];
  if (m[3] !== undefined) out.digest = m[3];
  return out;
}

/**
 * The fully qualified form containerd stores images under: domain, path,
 * and the tag (":latest" when neither tag nor digest is given) and digest.
 */
export function normalizeImageReference(ref: string): string {
  const r = parseImageReference(ref);
  const tag = r.tag ?? (r.digest === undefined ? 'latest' : undefined);
  return `${r.domain}/${r.path}${tag !== undefined ? `:${tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
}

function splitDomain(name: string): [string, string] {
  const i = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = i >= 0 ? name.slice(0, i) : '';
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return [domain, remainder];
}
