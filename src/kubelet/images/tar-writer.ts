/**
 * Writes POSIX ustar archives in memory, byte for byte the same for the
 * same entries: image layers and OCI layout archives that k8ts builds.
 * Names too long for ustar's name and prefix fields get a PAX header.
 */

export interface TarEntry {
  /** Path inside the archive, without a leading "/" ("bin/sh", "etc"). */
  name: string;
  type: 'file' | 'directory' | 'symlink';
  /** @default 0o644 files, 0o755 directories, 0o777 symlinks */
  mode?: number;
  /** File contents. */
  data?: Buffer;
  /** Symlink target. */
  linkname?: string;
  /** Seconds since the epoch. @default 0, so archives are reproducible */
  mtime?: number;
  /** @default 0 */
  uid?: number;
  /** @default 0 */
  gid?: number;
}

const BLOCK = 512;

/** The archive: each entry's header and data, then two zero blocks. */
export function writeTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.type === 'file' ? e.data ?? Buffer.alloc(0) : Buffer.alloc(0);
    const name = e.type === 'directory' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
    const split = splitName(name);
    const linkname = e.linkname ?? '';
    const pax: Record<string, string> = {};
    if (!split) pax['path'] = name;
    if (Buffer.byteLength(linkname) > 100) pax['linkpath'] = linkname;
    if (Object.keys(pax).length > 0) {
      const body = paxBody(pax);
      parts.push(header({ name: 'PaxHeaders/entry', prefix: '', size: body.length, type: 'x', mode: 0o644, mtime: e.mtime ?? 0, uid: 0, gid: 0, linkname: '' }), pad(body));
    }
    parts.push(header({
      name: split?.name ?? name.slice(0, 100),
      prefix: split?.prefix ?? '',
      size: data.length,
      type: e.type === 'file' ? '0' : e.type === 'directory' ? '5' : '2',
      mode: e.mode ?? (e.type === 'file' ? 0o644 : e.type === 'directory' ? 0o755 : 0o777),
      mtime: e.mtime ?? 0,
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      linkname: linkname.slice(0, 100),
    }));
    if (data.length > 0) parts.push(pad(data));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

interface Header {
  name: string; prefix: string; size: number; type: string; mode: number; mtime: number; uid: number; gid: number; linkname: string;
}

function header(h: Header): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, 100, 'utf8');
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, h.uid);
  octal(b, 116, 8, h.gid);
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, h.mtime);
  b.fill(0x20, 148, 156);
  b.write(h.type, 156, 1, 'ascii');
  b.write(h.linkname, 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 8, 'ascii');
  b.write('root', 265, 32, 'ascii');
  b.write('root', 297, 32, 'ascii');
  b.write(h.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return b;
}

function octal(b: Buffer, offset: number, length: number, value: number): void {
  b.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'ascii');
}

/** ustar's 155-byte prefix and 100-byte name, split at a "/"; undefined when impossible. */
function splitName(name: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', name };
  for (let i = name.lastIndexOf('/', name.length - 2); i > 0; i = name.lastIndexOf('/', i - 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return { prefix, name: rest };
    if (Buffer.byteLength(rest) > 100) return undefined;
  }
  return undefined;
}

/** PAX records "<len> key=value\n", where len counts the whole record. */
function paxBody(records: Record<string, string>): Buffer {
  let out = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(rest) + 1;
    while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest);
    out += `${len}${rest}`;
  }
  return Buffer.from(out, 'utf8');
}

function pad(data: Buffer): Buffer {
  const rem = data.length % BLOCK;
  return rem === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rem)]);
}
