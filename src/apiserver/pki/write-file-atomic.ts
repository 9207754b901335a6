import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` so that readers see either the old file or the
 * whole new one: writes a temporary file in the same directory with `mode`,
 * fsyncs it, then renames it over `path`. Creates missing parent directories
 * (mode 0700). The temporary file is removed on failure.
 */
export async function writeFileAtomic(path: string, data: string, opts: { mode: number }): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', opts.mode);
    try {
      await fh.writeFile(data);
      await fh.chmod(opts.mode); // `open` applies the umask; the file must have exactly `mode`
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
