/**
 * The resize stream (channel 4 / streamtype resize): a sequence of JSON
 * objects `{"Width":80,"Height":24}`, one per terminal size change, each
 * usually followed by a newline (client-go tools/remotecommand/resize.go).
 * Go decodes it with json.Decoder, so objects may be split across messages
 * or several may share one, and key case does not matter.
 */

export interface TerminalSize {
  width: number;
  height: number;
}

/** A resize stream that is not a sequence of JSON objects. */
export class ResizeDecodeError extends Error {
  override readonly name = 'ResizeDecodeError';
}

/** The wire form of one size event. */
export function encodeTerminalSize(size: TerminalSize): Buffer {
  return Buffer.from(`${JSON.stringify({ Width: size.width, Height: size.height })}\n`);
}

/** Splits a byte stream into sizes; throws ResizeDecodeError on bytes that cannot be one, and stays failed. */
export class ResizeDecoder {
  private pending = '';
  private failed: ResizeDecodeError | undefined;

  push(chunk: Buffer | string): TerminalSize[] {
    if (this.failed) throw this.failed;
    this.pending += chunk.toString();
    const sizes: TerminalSize[] = [];
    for (;;) {
      const start = this.pending.search(/\S/);
      if (start < 0) {
        this.pending = '';
        break;
      }
      if (this.pending[start] !== '{') return this.fail(`expected an object, got ${JSON.stringify(this.pending.slice(start, start + 20))}`);
      const end = objectEnd(this.pending, start);
      if (end < 0) {
        if (this.pending.length > 4096) return this.fail('resize object longer than 4096 bytes');
        this.pending = this.pending.slice(start);
        break;
      }
      sizes.push(this.toSize(this.pending.slice(start, end)));
      this.pending = this.pending.slice(end);
    }
    return sizes;
  }

  private toSize(text: string): TerminalSize {
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (err) {
      return this.fail(`bad resize object ${JSON.stringify(text)}: ${(err as Error).message}`);
    }
    const field = (name: string): number => {
      const key = Object.keys(obj as object).find((k) => k.toLowerCase() === name);
      const v = key === undefined ? 0 : (obj as Record<string, unknown>)[key];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffff) return this.fail(`bad ${name} in resize object ${text}`);
      return v;
    };
    return { width: field('width'), height: field('height') };
  }

  private fail(message: string): never {
    this.failed = new ResizeDecodeError(message);
    throw this.failed;
  }
}

/** The index just past the object starting at `start`, or -1 when it is not complete yet. */
function objectEnd(s: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return -1;
}
