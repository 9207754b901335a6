/**
 * Format checks on single strings (upstream's k8s.io/apimachinery
 * pkg/util/validation and pkg/api/validate/content). Each returns the list of
 * upstream's error texts; an empty list means valid. Callers wrap the texts in
 * field errors (`invalidValue(path, value, msg)`).
 */

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_LABEL_MAX = 63;
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MAX = 253;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const C_IDENTIFIER_FMT = '[A-Za-z_][A-Za-z0-9_]*';
const C_IDENTIFIER_MSG = "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'";
const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+';
const CONFIG_MAP_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
const PERCENT_FMT = '[0-9]+%';
const PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%'";
const HTTP_HEADER_FMT = '[-A-Za-z0-9]+';
const HTTP_HEADER_MSG = "a valid HTTP header must consist of alphanumeric characters or '-'";

const whole = (fmt: string): RegExp => new RegExp(`^${fmt}$`);
const dns1123LabelRe = whole(DNS1123_LABEL_FMT);
const dns1123SubdomainRe = whole(DNS1123_SUBDOMAIN_FMT);
const dns1035LabelRe = whole(DNS1035_LABEL_FMT);
const labelKeyRe = whole(LABEL_KEY_FMT);
const labelValueRe = whole(LABEL_VALUE_FMT);
const cIdentifierRe = whole(C_IDENTIFIER_FMT);
const configMapKeyRe = whole(CONFIG_MAP_KEY_FMT);
const percentRe = whole(PERCENT_FMT);
const httpHeaderRe = whole(HTTP_HEADER_FMT);

/** Byte length, as Go's len() counts. */
const byteLen = (s: string): number => Buffer.byteLength(s, 'utf8');

/** `must be no more than N characters` */
export function maxLenError(n: number): string {
  return `must be no more than ${n} characters`;
}

/** `<msg> (e.g. 'a' or 'b', regex used for validation is '<fmt>')` */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

/** `must be between lo and hi, inclusive` */
export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

export const EMPTY_ERROR = 'must be non-empty';

export function isDNS1123Label(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > DNS1123_LABEL_MAX) errs.push(maxLenError(DNS1123_LABEL_MAX));
  if (!dns1123LabelRe.test(v)) {
    if (dns1123SubdomainRe.test(v)) errs.push('must not contain dots');
    else errs.push(regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > DNS1123_SUBDOMAIN_MAX) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX));
  if (!dns1123SubdomainRe.test(v)) errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

export function isDNS1035Label(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > DNS1123_LABEL_MAX) errs.push(maxLenError(DNS1123_LABEL_MAX));
  if (!dns1035LabelRe.test(v)) errs.push(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

/**
 * A label key / qualified name: optional DNS-subdomain prefix and '/', then a
 * name of at most 63. `what` names the thing in the too-many-slashes message:
 * metadata validation says "a valid label key", label selectors (upstream's
 * older IsQualifiedName text) "a qualified name".
 */
export function isQualifiedName(v: string, what = 'a valid label key'): string[] {
  const errs: string[] = [];
  const parts = v.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push(`prefix part ${EMPTY_ERROR}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [`${what} ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`
      + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) errs.push(`name part ${EMPTY_ERROR}`);
  else if (byteLen(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!labelKeyRe.test(name)) errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function isValidLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 63) errs.push(maxLenError(63));
  if (!labelValueRe.test(v)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** Names used as one REST path segment: never `.`/`..`, never containing `/` or `%`. Empty is not checked. */
export function isValidPathSegmentName(v: string): string[] {
  if (v === '.' || v === '..') return [`may not be '${v}'`];
  const errs: string[] = [];
  if (v.includes('/')) errs.push("may not contain '/'");
  if (v.includes('%')) errs.push("may not contain '%'");
  return errs;
}

export function isCIdentifier(v: string): string[] {
  return cIdentifierRe.test(v) ? [] : [regexError(C_IDENTIFIER_MSG, C_IDENTIFIER_FMT, 'my_name', 'MY_NAME', 'MyName')];
}

/**
 * Environment variable names under upstream's current rule (RelaxedEnvironmentVariableValidation,
 * on by default since 1.32, GA since 1.34): any printable ASCII but '='.
 */
export function isEnvVarName(v: string): string[] {
  const errs: string[] = [];
  if (v.length === 0) errs.push(`environment variable name ${EMPTY_ERROR}`);
  for (const ch of v) {
    const c = ch.codePointAt(0) ?? 0;
    if (c > 0x7e || c < 0x20 || ch === '=') {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

function chDirPrefix(v: string): string[] {
  if (v === '.') return ["must not be '.'"];
  if (v === '..') return ["must not be '..'"];
  if (v.startsWith('..')) return ["must not start with '..'"];
  return [];
}

/** Keys of ConfigMap/Secret data. */
export function isConfigMapKey(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > DNS1123_SUBDOMAIN_MAX) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX));
  if (!configMapKeyRe.test(v)) errs.push(regexError(CONFIG_MAP_KEY_MSG, CONFIG_MAP_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  errs.push(...chDirPrefix(v));
  return errs;
}

export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

export function isInRange(v: number, lo: number, hi: number): string[] {
  return v >= lo && v <= hi ? [] : [inclusiveRangeError(lo, hi)];
}

/** IANA service names: at most 15, [-a-z0-9], at least one letter, no '--', no leading/trailing '-'. */
export function isValidPortName(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(v)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(v)) errs.push('must contain at least one letter (a-z)');
  if (v.includes('--')) errs.push('must not contain consecutive hyphens');
  if (v.length > 0 && (v.startsWith('-') || v.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

export function isValidPercent(v: string): string[] {
  return percentRe.test(v) ? [] : [regexError(PERCENT_MSG, PERCENT_FMT, '1%', '93%')];
}

export function isHTTPHeaderName(v: string): string[] {
  return httpHeaderRe.test(v) ? [] : [regexError(HTTP_HEADER_MSG, HTTP_HEADER_FMT, 'X-Header-Name')];
}

/** Go's net.ParseIP, including its acceptance of leading zeros in IPv4 ("sloppy"). */
export function parseIP(v: string): { family: 4 | 6 } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v)) {
    return v.split('.').every((p) => Number(p) <= 255) ? { family: 4 } : undefined;
  }
  if (!v.includes(':')) return undefined;
  let s = v;
  let groupsNeeded = 8;
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!parseIP(tail) || tail.includes(':')) return undefined;
    s = `${s.slice(0, lastColon + 1)}0:0`;
    groupsNeeded = 8;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): string[] | undefined => {
    if (h === '') return [];
    const g = h.split(':');
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g : undefined;
  };
  if (halves.length === 2) {
    const a = groups(halves[0]);
    const b = groups(halves[1]);
    if (!a || !b || a.length + b.length > groupsNeeded - 1) return undefined;
  } else {
    const a = groups(s);
    if (!a || a.length !== groupsNeeded) return undefined;
  }
  // An IPv4-mapped address (::ffff:a.b.c.d) is IPv4 to Go.
  if (tail.includes('.') && /^(0{0,4}:){0,5}(::)?(0{0,4}:)*ffff:/i.test(v.slice(0, lastColon + 1).replace(/^::/, '0:'))) {
    return { family: 4 };
  }
  return { family: 6 };
}

export function isValidIP(v: string): string[] {
  return parseIP(v) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

export function isValidIPv4Address(v: string): string[] {
  return parseIP(v)?.family === 4 ? [] : ['must be a valid IPv4 address'];
}

export function isValidIPv6Address(v: string): string[] {
  return parseIP(v)?.family === 6 ? [] : ['must be a valid IPv6 address'];
}

/** Go's net.ParseCIDR (sloppy): an IP, '/', a prefix length within the family's width. */
export function isValidCIDR(v: string): string[] {
  const err = ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
  const i = v.indexOf('/');
  if (i < 0) return err;
  const ip = parseIP(v.slice(0, i));
  const bits = v.slice(i + 1);
  if (!ip || !/^\d{1,3}$/.test(bits)) return err;
  const max = ip.family === 4 && !v.includes(':') ? 32 : 128;
  return Number(bits) <= max ? [] : err;
}
