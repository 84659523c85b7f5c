// Byte-level input handling: encoding and delimiter detection, and a decoder that names the line of bad bytes.
import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { DataRejectedError, UsageError } from '../errors.js';

export type InputEncoding = 'utf8' | 'gb18030' | 'utf16le';

/** Accepted --encoding names → decoder. GBK and GB2312 are subsets of GB18030. */
export function parseEncodingName(raw: string): InputEncoding {
  const name = raw.trim().toLowerCase().replace(/[-_]/g, '');
  if (name === 'utf8' || name === 'utf8bom') return 'utf8';
  if (name === 'gbk' || name === 'gb18030' || name === 'gb2312' || name === 'cp936') return 'gb18030';
  if (name === 'utf16le' || name === 'utf16') return 'utf16le';
  throw new UsageError(`--encoding: "${raw}" is not supported (use utf8, gbk or gb18030)`);
}

/** Index of the first byte that starts an invalid UTF-8 sequence, or -1. A sequence cut off by the end is valid when allowTruncatedEnd. */
export function firstInvalidUtf8(bytes: Uint8Array, allowTruncatedEnd = true): number {
  const length = bytes.length;
  let index = 0;
  while (index < length) {
    const byte = bytes[index]!;
    if (byte < 0x80) {
      index += 1;
      continue;
    }
    let need: number;
    let min: number;
    if (byte >= 0xc2 && byte <= 0xdf) [need, min] = [1, 0x80];
    else if (byte >= 0xe0 && byte <= 0xef) [need, min] = [2, 0x800];
    else if (byte >= 0xf0 && byte <= 0xf4) [need, min] = [3, 0x10000];
    else return index;
    if (index + need >= length) {
      if (!allowTruncatedEnd) return index;
      for (let k = index + 1; k < length; k += 1) if ((bytes[k]! & 0xc0) !== 0x80) return index;
      return -1;
    }
    let code = byte & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k += 1) {
      const next = bytes[index + k]!;
      if ((next & 0xc0) !== 0x80) return index;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return index;
    index += need + 1;
  }
  return -1;
}

/**
 * Guesses the encoding from the first bytes: a BOM; else UTF-8 when they are valid UTF-8; else GB18030
 * (Excel on Chinese Windows), but only when they decode as GB18030 without a replacement character.
 * Bytes that are mostly UTF-8 with a stray bad byte stay UTF-8, so the import stops with the line of
 * the bad byte instead of storing every Chinese name garbled.
 */
export function detectEncoding(sample: Uint8Array): { encoding: InputEncoding; bomLength: number } {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf8', bomLength: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf16le', bomLength: 2 };
  const invalidAt = firstInvalidUtf8(sample);
  if (invalidAt === -1) return { encoding: 'utf8', bomLength: 0 };
  // A streaming decoder keeps a character cut off at the end of the sample back instead of replacing it.
  const gb = iconv.getDecoder('gb18030').write(Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength));
  if (!gb.includes('\uFFFD')) return { encoding: 'gb18030', bomLength: 0 };
  return { encoding: 'utf8', bomLength: 0 };
}

/** Picks the delimiter that occurs most often (outside quotes) in the header line: comma, semicolon or tab. */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best = ',';
  for (const [delimiter, count] of counts) if (count > counts.get(best)!) best = delimiter;
  return best;
}

/** --delimiter whitespace: fields separated by runs of spaces or tabs (fixed-width exports such as the CDNOW sample). */
export const WHITESPACE = 'whitespace';

/** The delimiters --delimiter takes by name (any case), as its help and the README name them. */
const namedDelimiters: Record<string, string> = { comma: ',', semicolon: ';', tab: '\t', '\\t': '\t', pipe: '|' };

export function parseDelimiter(raw: string): string {
  if (raw.toLowerCase() === WHITESPACE) return WHITESPACE;
  const value = namedDelimiters[raw.toLowerCase()] ?? raw;
  if (![',', ';', '\t', '|'].includes(value)) {
    throw new UsageError(`--delimiter: "${raw}" is not supported (use , ; | or their names comma, semicolon, pipe; tab or whitespace)`);
  }
  return value;
}

/**
 * For --delimiter whitespace: rewrites text chunk by chunk so that each run of spaces and tabs between two
 * fields becomes one tab, and spaces at the start or end of a line go away; the CSV parser then splits on tabs.
 * A field that starts with a double quote is copied verbatim up to its closing quote ("" inside is a quote), so
 * "Zhang  San" stays one field with its spaces; a quote inside a field (5'10") is an ordinary character.
 * The state carries across chunks, so a run of spaces cut by a chunk boundary is still one separator.
 */
export function whitespaceToTabs(): (text: string) => string {
  let atLineStart = true;
  let pendingSeparator = false;
  let inQuotes = false;
  // A quote seen inside a quoted field: it closes the field unless the next character is another quote.
  let closingQuote = false;
  return (text: string): string => {
    let out = '';
    let from = 0;
    for (let index = 0; index < text.length; index += 1) {
      const char = text.charCodeAt(index);
      if (inQuotes) {
        if (char === 0x22) {
          inQuotes = false;
          closingQuote = true;
        }
        continue;
      }
      if (closingQuote) {
        closingQuote = false;
        if (char === 0x22) {
          inQuotes = true;
          continue;
        }
      }
      if (char === 0x20 || char === 0x09) {
        out += text.slice(from, index);
        from = index + 1;
        if (!atLineStart) pendingSeparator = true;
      } else if (char === 0x0a || char === 0x0d) {
        pendingSeparator = false;
        atLineStart = true;
      } else {
        const fieldStart = atLineStart || pendingSeparator;
        if (pendingSeparator) {
          out += text.slice(from, index) + '\t';
          from = index;
          pendingSeparator = false;
        }
        if (char === 0x22 && fieldStart) inQuotes = true;
        atLineStart = false;
      }
    }
    return out + text.slice(from);
  };
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let lines = 0;
  for (let index = 0; index < end; index += 1) if (bytes[index] === 0x0a) lines += 1;
  return lines;
}

/** Index of the first byte of 0x80 or above, or -1. */
function firstNonAscii(bytes: Uint8Array): number {
  for (let index = 0; index < bytes.length; index += 1) if (bytes[index]! >= 0x80) return index;
  return -1;
}

// Text a person would type in a Chinese shop's file: ASCII, Latin letters with accents, general
// punctuation, CJK (ideographs, their punctuation, full-width forms); and at least one CJK character.
const plausibleUtf8Text = /^[\u0000-\u007f\u00a0-\u017f\u2000-\u206f\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]*$/;
const cjk = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/;

/**
 * Whether a line (bytes without its newline) of a file read as GB18030 is really UTF-8 Chinese: valid UTF-8
 * with non-ASCII characters that are all plausible text and include CJK. GBK text that happens to be valid
 * UTF-8 rarely decodes to CJK only (its byte pairs would have to line up as 3-byte sequences).
 */
export function looksLikeUtf8Chinese(line: Uint8Array): boolean {
  if (isAscii(line) || !isUtf8(line)) return false;
  const text = new TextDecoder('utf-8').decode(line);
  return cjk.test(text) && plausibleUtf8Text.test(text);
}

/**
 * A streaming decoder for one file that never returns garbled text: it stops (exit 3) at the line of bytes
 * that do not belong to the file's encoding, and says which line.
 *
 * With encoding 'auto' the encoding is chosen at the first chunk that holds a non-ASCII byte (ASCII reads
 * the same in UTF-8 and GB18030), so a file that is ASCII for its first megabytes is still detected right;
 * when that byte is among the chunk's last three, the choice waits for the next chunk, so the first character is whole.
 * Chosen UTF-8 is strict: a later line that is not UTF-8 (a GBK line appended by Excel) stops the import.
 * Chosen GB18030 checks every line with non-ASCII bytes: one that reads as UTF-8 Chinese stops the
 * import, instead of storing 张三 as 寮犱笁. An --encoding the user names is decoded as told.
 */
export class ChunkDecoder {
  private linesBefore = 0;
  private pending: Uint8Array = new Uint8Array(0);
  private readonly utf8 = new TextDecoder('utf-8', { fatal: false });
  private other: ReturnType<typeof iconv.getDecoder> | null = null;
  private current: InputEncoding | null = null;
  /** Whether the encoding was detected (so a line in the other encoding means a mixed file). */
  private readonly detecting: boolean;
  /** The first line seen in the detected encoding with non-ASCII bytes (UTF-8), or not valid UTF-8 (GB18030). */
  private evidenceLine = 0;
  /** GB18030 detected: the bytes of the line not yet ended, kept to check it as a whole. */
  private partialLine: Uint8Array = new Uint8Array(0);
  /** Still detecting: the first non-ASCII bytes, when they came within the last 3 bytes of a chunk (perhaps a cut character). */
  private undecided: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly file: string,
    encoding: InputEncoding | 'auto',
  ) {
    this.detecting = encoding === 'auto';
    if (encoding !== 'auto') this.choose(encoding);
  }

  /** The encoding in use; UTF-8 while everything so far was ASCII. */
  get encoding(): InputEncoding {
    return this.current ?? 'utf8';
  }

  decode(chunk: Uint8Array): string {
    if (this.current === null) {
      if (this.undecided.length) {
        chunk = Buffer.concat([this.undecided, chunk]);
        this.undecided = new Uint8Array(0);
      }
      const first = firstNonAscii(chunk);
      // Deciding on a character cut off by the chunk's end could take a GBK lead byte (C2–F4) for the start of a
      // UTF-8 sequence: the bytes from the first non-ASCII one wait for the next chunk (or the end) when that close.
      const ascii = first === -1 ? chunk : first >= chunk.length - 3 ? chunk.subarray(0, first) : null;
      if (ascii) {
        if (ascii !== chunk) this.undecided = Uint8Array.from(chunk.subarray(first));
        this.linesBefore += countNewlines(ascii, ascii.length);
        return Buffer.from(ascii.buffer, ascii.byteOffset, ascii.byteLength).toString('latin1');
      }
      this.chooseFor(chunk);
    }
    if (this.current !== 'utf8') {
      if (this.detecting) this.checkLines(chunk);
      return this.other!.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
    const bytes = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    // Hold back an incomplete sequence at the end for the next chunk.
    let cut = bytes.length;
    for (let back = 1; back <= 3 && back <= bytes.length; back += 1) {
      const byte = bytes[bytes.length - back]!;
      if ((byte & 0xc0) === 0xc0) {
        const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
        if (back < need) cut = bytes.length - back;
        break;
      }
      if ((byte & 0xc0) !== 0x80) break;
    }
    const complete = bytes.subarray(0, cut);
    if (!isUtf8(complete)) this.failUtf8(complete, Math.max(0, firstInvalidUtf8(complete, false)));
    this.pending = Uint8Array.from(bytes.subarray(cut));
    this.linesBefore += countNewlines(complete, complete.length);
    return this.utf8.decode(complete);
  }

  end(): string {
    if (this.current === null) {
      if (!this.undecided.length) return '';
      const rest = this.undecided;
      this.undecided = new Uint8Array(0);
      this.chooseFor(rest);
      return this.decode(rest) + this.end();
    }
    if (this.current !== 'utf8') {
      if (this.detecting && this.partialLine.length) this.checkLine(this.partialLine);
      return this.other!.end() ?? '';
    }
    if (this.pending.length) this.failUtf8(this.pending, 0);
    return '';
  }

  private choose(encoding: InputEncoding): void {
    this.current = encoding;
    this.other = encoding === 'utf8' ? null : iconv.getDecoder(encoding);
  }

  /** Detects the encoding from the first chunk with non-ASCII bytes, and notes the line that decided it. */
  private chooseFor(chunk: Uint8Array): void {
    const { encoding } = detectEncoding(chunk);
    this.choose(encoding);
    const at = encoding === 'utf8' ? firstNonAscii(chunk) : firstInvalidUtf8(chunk);
    if (at >= 0) this.evidenceLine = this.linesBefore + countNewlines(chunk, at) + 1;
  }

  /** GB18030 detected: checks each completed line of the chunk; keeps the unfinished last line for the next. */
  private checkLines(chunk: Uint8Array): void {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let newline = bytes.indexOf(0x0a); newline !== -1; newline = bytes.indexOf(0x0a, start)) {
      const piece = bytes.subarray(start, newline);
      this.checkLine(this.partialLine.length ? Buffer.concat([this.partialLine, piece]) : piece);
      this.partialLine = new Uint8Array(0);
      this.linesBefore += 1;
      start = newline + 1;
    }
    if (start < bytes.length) this.partialLine = Buffer.concat([this.partialLine, bytes.subarray(start)]);
  }

  private checkLine(line: Uint8Array): void {
    if (!looksLikeUtf8Chinese(line)) return;
    throw new DataRejectedError(
      `${this.file}: line ${this.linesBefore + 1}: this line is UTF-8 but line ${this.evidenceLine} is GBK: the file mixes two encodings; ` +
        'save the whole file again as UTF-8 (or, if this line really is GBK, pass --encoding gbk); nothing was written',
    );
  }

  private failUtf8(bytes: Uint8Array, at: number): never {
    const line = this.linesBefore + countNewlines(bytes, at) + 1;
    if (this.detecting && this.evidenceLine > 0 && this.evidenceLine < line) {
      throw new DataRejectedError(
        `${this.file}: line ${line}: not UTF-8 (GBK?), but line ${this.evidenceLine} is UTF-8: the file mixes two encodings; ` +
          'save the whole file again as UTF-8 (or, if it is all GBK, pass --encoding gbk); nothing was written',
      );
    }
    throw new DataRejectedError(
      `${this.file}: line ${line}: invalid UTF-8 bytes; if the file was saved by Excel on Chinese Windows, use --encoding gbk`,
    );
  }
}
