/**
 * Reads the table of contents of a tar archive on disk without loading it:
 * where each member's data starts and how long it is, so image blobs can be
 * streamed straight from the file. Understands ustar, GNU long names and
 * PAX headers (what docker, buildah, skopeo and k8ts write).
 */

/** Reads `length` bytes at `position`; fewer only at the end of the archive. */
export type RangeReader = (position: number, length: number) => Promise<Buffer>;

export interface TarMember {
  /** Normalized path: no leading "./" or "/", no trailing "/". */
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';
  /** Byte offset of the data in the archive. */
  offset: number;
  size: number;
  /** Target of a symlink or hard link. */
  linkname: string;
}

const BLOCK = 512;

/** Every member by normalized name (a later member of the same name wins, as tar extracts). */
export async function readTarIndex(read: RangeReader): Promise<Map<string, TarMember>> {
  const out = new Map<string, TarMember>();
  let pos = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  for (;;) {
    const block = await read(pos, BLOCK);
    if (block.length === 0) break;
    if (block.length < BLOCK) throw new Error(`truncated tar header at byte ${pos}`);
    if (block.every((b) => b === 0)) break;
    if (!checksumOk(block)) throw new Error(pos === 0 ? 'not a tar archive' : `bad tar header checksum at byte ${pos}`);
    const size = parseOctal(block, 124, 12);
    const flag = String.fromCharCode(block[156] || 0x30);
    const dataAt = pos + BLOCK;
    pos = dataAt + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'L' || flag === 'K' || flag === 'x' || flag === 'g') {
      const body = await read(dataAt, size);
      if (flag === 'L') longName = cString(body);
      else if (flag === 'K') longLink = cString(body);
      else if (flag === 'x') pax = parsePax(body);
      continue;
    }
    const ustar = block.toString('ascii', 257, 262) === 'ustar';
    const prefix = ustar ? cString(block.subarray(345, 500)) : '';
    const rawName = pax['path'] ?? longName ?? (prefix ? `${prefix}/${cString(block.subarray(0, 100))}` : cString(block.subarray(0, 100)));
    const linkname = pax['linkpath'] ?? longLink ?? cString(block.subarray(157, 257));
    const realSize = pax['size'] !== undefined ? Number(pax['size']) : size;
    longName = longLink = undefined;
    pax = {};
    const name = normalizeName(rawName);
    if (name === '') continue;
    out.set(name, { name, type: typeOf(flag), offset: dataAt, size: realSize, linkname });
  }
  return out;
}

/** A member's path with "./" and "/" prefixes and a trailing "/" removed. */
export function normalizeName(name: string): string {
  let n = name;
  while (n.startsWith('./')) n = n.slice(2);
  n = n.replace(/^\/+/, '').replace(/\/+$/, '');
  return n === '.' ? '' : n;
}

function typeOf(flag: string): TarMember['type'] {
  switch (flag) {
    case '0': case '\0': case '7': return 'file';
    case '5': return 'directory';
    case '2': return 'symlink';
    case '1': return 'hardlink';
    default: return 'other';
  }
}

function checksumOk(b: Buffer): boolean {
  const want = parseOctal(b, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : b[i];
  return sum === want;
}

function parseOctal(b: Buffer, offset: number, length: number): number {
  if (b[offset] & 0x80) {
    // GNU base-256 for sizes of 8 GiB and more.
    let v = 0;
    for (let i = offset + 1; i < offset + length; i++) v = v * 256 + b[i];
    return v;
  }
  const s = cString(b.subarray(offset, offset + length)).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.toString('utf8', 0, nul === -1 ? b.length : nul);
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const space = body.indexOf(0x20, i);
    if (space === -1) break;
    const len = parseInt(body.toString('ascii', i, space), 10);
    if (!(len > 0)) break;
    const record = body.toString('utf8', space + 1, i + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    i += len;
  }
  return out;
}
