/**
 * An image archive opened for import: a tar on disk (gzip-compressed ones
 * are first decompressed to a temporary file) or in memory, with its table
 * of contents and ranged reads, so blobs stream from it without loading
 * the archive.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { readTarIndex, type RangeReader, type TarMember } from './tar-reader.js';

export interface ImageArchive {
  /** File path, or a label for in-memory archives. */
  source: string;
  members: Map<string, TarMember>;
  read: RangeReader;
  /** The member's data, following symlinks and hard links inside the archive. */
  member(name: string): TarMember | undefined;
  close(): Promise<void>;
}

export interface OpenArchiveOptions {
  /** Where a compressed archive is decompressed. @default os.tmpdir() */
  tmpDir?: string;
}

const UNSUPPORTED: Array<[Buffer, string]> = [
  [Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 'zstd'],
  [Buffer.from('BZh'), 'bzip2'],
  [Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), 'xz'],
  [Buffer.from([0x04, 0x22, 0x4d, 0x18]), 'lz4'],
];

export async function openArchiveFile(path: string, opts: OpenArchiveOptions = {}): Promise<ImageArchive> {
  let fh = await open(path, 'r');
  let tmp: string | undefined;
  try {
    const magic = await readRange(fh, 0, 6);
    for (const [m, kind] of UNSUPPORTED) {
      if (magic.subarray(0, m.length).equals(m)) throw new Error(`${path} is ${kind}-compressed: decompress it first, or use a .tar or .tar.gz`);
    }
    if (magic[0] === 0x1f && magic[1] === 0x8b) {
      await fh.close();
      tmp = await mkdtemp(join(opts.tmpDir ?? tmpdir(), 'k8ts-import-'));
      const tar = join(tmp, 'archive.tar');
      await pipeline(createReadStream(path), createGunzip(), createWriteStream(tar));
      fh = await open(tar, 'r');
    }
    const handle = fh;
    const read: RangeReader = (position, length) => readRange(handle, position, length);
    const members = await readTarIndex(read);
    const dir = tmp;
    return archive(path, members, read, async () => {
      await handle.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });
  } catch (err) {
    await fh.close().catch(() => undefined);
    if (tmp) await rm(tmp, { recursive: true, force: true });
    if (err instanceof Error && /not a tar archive/.test(err.message)) throw new Error(`${path} is not a tar archive (nor a gzip-compressed one)`, { cause: err });
    throw err;
  }
}

export async function openArchiveBuffer(label: string, data: Buffer): Promise<ImageArchive> {
  const read: RangeReader = async (position, length) => data.subarray(position, Math.min(data.length, position + length));
  return archive(label, await readTarIndex(read), read, async () => undefined);
}

function archive(source: string, members: Map<string, TarMember>, read: RangeReader, close: () => Promise<void>): ImageArchive {
  const member = (name: string): TarMember | undefined => {
    let m = members.get(name);
    for (let hops = 0; m && (m.type === 'symlink' || m.type === 'hardlink') && hops < 16; hops++) {
      const target = m.type === 'symlink' && !m.linkname.startsWith('/') ? join(name, '..', m.linkname) : m.linkname;
      name = target.replace(/^\/+/, '');
      m = members.get(name);
    }
    return m && m.type === 'file' ? m : undefined;
  };
  return { source, members, read, member, close };
}

async function readRange(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}
