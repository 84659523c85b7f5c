// Files that mix UTF-8 and GBK lines stop at the line that does not fit, instead of storing mojibake.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ChunkDecoder, looksLikeUtf8Chinese } from '../../src/import/decode.js';

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
const gbk = (text: string): Buffer => iconv.encode(text, 'gbk');

/** Decodes the chunks in order with detection, as the import does. */
function decodeAll(chunks: Buffer[]): { text: string; encoding: string } {
  const decoder = new ChunkDecoder('f.csv', 'auto');
  const text = chunks.map((chunk) => decoder.decode(chunk)).join('') + decoder.end();
  return { text, encoding: decoder.encoding };
}

describe('ChunkDecoder with a mixed file', () => {
  it('UTF-8 lines then a GBK line, in one chunk: stops at the UTF-8 line, naming the GBK one', () => {
    const bytes = Buffer.concat([utf8('customer_id,name,city\nC1,张三,上海\n'), gbk('C2,李四,北京\n')]);
    expect(() => decodeAll([bytes])).toThrow(/^f\.csv: line 2: this line is UTF-8 but line 3 is GBK: the file mixes two encodings; .*UTF-8/);
  });

  it('GBK lines then a UTF-8 line: stops at the UTF-8 line', () => {
    const bytes = Buffer.concat([gbk('customer_id,name,city\r\nC2,李四,北京\r\n'), utf8('C3,王五,广州\r\n')]);
    expect(() => decodeAll([bytes])).toThrow(/^f\.csv: line 3: this line is UTF-8 but line 2 is GBK/);
  });

  it('a UTF-8 line cut across chunks of a GBK file is still seen whole', () => {
    const tail = utf8('C3,王五,广州\n');
    expect(() => decodeAll([gbk('id,name\nC2,李四\n'), tail.subarray(0, 5), tail.subarray(5), gbk('C4,赵六\n')])).toThrow(/line 3: this line is UTF-8/);
  });

  it('a UTF-8 line at the very end without a newline', () => {
    expect(() => decodeAll([gbk('id,name\nC2,李四\n'), utf8('C3,王五')])).toThrow(/line 3: this line is UTF-8/);
  });

  it('UTF-8 in the first chunk, a GBK line in a later one: stops there and says the file mixes encodings', () => {
    expect(() => decodeAll([utf8('id,name\nC1,张三\n'), utf8('C2,x\n'), gbk('C3,李四\n')])).toThrow(
      /^f\.csv: line 4: not UTF-8 \(GBK\?\), but line 2 is UTF-8: the file mixes two encodings/,
    );
  });

  it('ASCII for a long while, then GBK: detected as GBK at the first non-ASCII chunk', () => {
    const result = decodeAll([utf8('id,name\n'), utf8('C1,Smith\n'.repeat(1000)), gbk('C2,李四\nC3,王五\n')]);
    expect(result.encoding).toBe('gb18030');
    expect(result.text.endsWith('C2,李四\nC3,王五\n')).toBe(true);
  });

  it('ASCII then UTF-8: UTF-8', () => {
    expect(decodeAll([utf8('id,name\n'), utf8('C1,张三\n')])).toEqual({ text: 'id,name\nC1,张三\n', encoding: 'utf8' });
  });

  it('pure GBK files decode in full, whatever the chunking', () => {
    const bytes = gbk('客户编号,客户名称,城市\r\n' + Array.from({ length: 200 }, (_, i) => `C${i},张三${i},上海\r\n`).join(''));
    for (const size of [1, 7, 64, 1000]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      const result = decodeAll(chunks);
      expect(result.encoding).toBe('gb18030');
      expect(result.text).toBe(iconv.decode(bytes, 'gbk'));
    }
  });

  it('a GBK file whose first chunk ends just after a lead byte that could start UTF-8 (C2–F4) is still GBK', () => {
    const bytes = gbk('id,name,city\nC1,张三,上海\nC2,李四,北京\n');
    const lead = bytes.indexOf(0xd5); // 张 is D5 C5 in GBK; D5 alone reads as the start of a 2-byte UTF-8 sequence
    expect(bytes[lead + 1]).toBe(0xc5);
    const result = decodeAll([bytes.subarray(0, lead + 1), bytes.subarray(lead + 1)]);
    expect(result).toEqual({ text: iconv.decode(bytes, 'gbk'), encoding: 'gb18030' });
    // Wherever two chunks meet, and with the first non-ASCII bytes in chunks of one to three bytes.
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(decodeAll([bytes.subarray(0, cut), bytes.subarray(cut)]), `cut at ${cut}`).toEqual({ text: iconv.decode(bytes, 'gbk'), encoding: 'gb18030' });
    }
    for (const size of [1, 2, 3]) {
      const chunks = [bytes.subarray(0, lead)];
      for (let at = lead; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      expect(decodeAll(chunks), `chunks of ${size}`).toEqual({ text: iconv.decode(bytes, 'gbk'), encoding: 'gb18030' });
    }
  });

  it('a UTF-8 file cut inside its first character is still UTF-8; a lone lead byte at the end still fails', () => {
    const bytes = utf8('id,name\nC1,张三\n');
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(decodeAll([bytes.subarray(0, cut), bytes.subarray(cut)]), `cut at ${cut}`).toEqual({ text: 'id,name\nC1,张三\n', encoding: 'utf8' });
    }
    expect(() => decodeAll([utf8('id,name\nC1,'), Buffer.from([0xe5, 0xbc])])).toThrow(/line 2: invalid UTF-8 bytes/);
  });

  it('an --encoding the user names is decoded as told, without the check', () => {
    const bytes = Buffer.concat([gbk('id,name\nC2,李四\n'), utf8('C3,王五\n')]);
    const decoder = new ChunkDecoder('f.csv', 'gb18030');
    expect(() => decoder.decode(bytes) + decoder.end()).not.toThrow();
  });
});

describe('looksLikeUtf8Chinese', () => {
  it.each([
    [utf8('C1,张三,上海'), true],
    [utf8('C1,“王五”,Café'), true],
    [utf8('C1,Café'), false], // no CJK: GBK pairs often read as 2-byte UTF-8
    [utf8('C1,Smith'), false],
    [gbk('C1,张三,上海'), false],
    [gbk('C1,李四,北京'), false],
  ])('%s → %s', (bytes, expected) => {
    expect(looksLikeUtf8Chinese(bytes)).toBe(expected);
  });
});
