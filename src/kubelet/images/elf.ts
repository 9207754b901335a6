/**
 * Just enough ELF reading to put a host binary into an image: is it
 * statically linked (no program interpreter), and for which OCI
 * architecture was it built.
 */

export interface ElfInfo {
  /** No PT_INTERP program header: runs in an empty root filesystem. */
  static: boolean;
  /** The OCI/Go name ("amd64", "arm64", ...), undefined for machines k8ts does not know. */
  architecture: string | undefined;
}

const PT_INTERP = 3;

/** e_machine to GOARCH; ppc64 and mips only in their little-endian Linux forms. */
const MACHINES: Record<number, string> = {
  0x03: '386', 0x28: 'arm', 0x3e: 'amd64', 0xb7: 'arm64', 0x15: 'ppc64le', 0x16: 's390x', 0xf3: 'riscv64', 0x102: 'loong64',
};

/** Reads the headers of an ELF file's bytes; throws when they are not ELF. */
export function inspectElf(bytes: Buffer): ElfInfo {
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF binary');
  const is64 = bytes[4] === 2;
  const le = bytes[5] === 1;
  const u16 = (o: number): number => (le ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
  const u32 = (o: number): number => (le ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  const u64 = (o: number): number => Number(le ? bytes.readBigUInt64LE(o) : bytes.readBigUInt64BE(o));
  const machine = u16(18);
  const phoff = is64 ? u64(32) : u32(28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  let interp = false;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > bytes.length) break;
    if (u32(at) === PT_INTERP) interp = true;
  }
  return { static: !interp, architecture: MACHINES[machine] };
}
