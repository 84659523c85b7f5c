import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ChunkDecoder, detectDelimiter, detectEncoding, firstInvalidUtf8, parseEncodingName } from '../../src/import/decode.js';

describe('detectEncoding', () => {
  it('UTF-8 with BOM, without BOM, and GBK', () => {
    expect(detectEncoding(Buffer.from('\uFEFF客户编号,姓名\n', 'utf8'))).toEqual({ encoding: 'utf8', bomLength: 3 });
    expect(detectEncoding(Buffer.from('客户编号,姓名\n', 'utf8'))).toEqual({ encoding: 'utf8', bomLength: 0 });
    expect(detectEncoding(iconv.encode('客户编号,姓名\r\n', 'gbk'))).toEqual({ encoding: 'gb18030', bomLength: 0 });
    expect(detectEncoding(Buffer.from('id,name\n'))).toEqual({ encoding: 'utf8', bomLength: 0 });
  });

  it('a multi-byte character cut at the end of the sample is still UTF-8', () => {
    const bytes = Buffer.from('id,姓名', 'utf8');
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1)).encoding).toBe('utf8');
  });
});

describe('firstInvalidUtf8', () => {
  it.each([
    [[0x61, 0x62], -1],
    [[0x61, 0xff, 0x62], 1],
    [[0xc0, 0x80], 0], // overlong
    [[0xed, 0xa0, 0x80], 0], // surrogate
    [[0xe4, 0xb8], -1], // truncated at the end: allowed
  ])('%j → %i', (bytes, index) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(index);
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['a,b,c\n1,2,3', ','],
    ['a;b;c\n1;2;3', ';'],
    ['a\tb\tc\n', '\t'],
    ['"x;y",b,c\n', ','],
    ['name;company\n"Smith, John";ACME', ';'],
  ])('%j → %j', (text, delimiter) => {
    expect(detectDelimiter(text)).toBe(delimiter);
  });
});

describe('ChunkDecoder', () => {
  it('joins a character split across chunks', () => {
    const decoder = new ChunkDecoder('f.csv', 'utf8');
    const bytes = Buffer.from('王芳', 'utf8');
    expect(decoder.decode(bytes.subarray(0, 2)) + decoder.decode(bytes.subarray(2)) + decoder.end()).toBe('王芳');
  });

  it('names the line of invalid UTF-8 bytes', () => {
    const decoder = new ChunkDecoder('f.csv', 'utf8');
    decoder.decode(Buffer.from('id,name\n1,a\n'));
    expect(() => decoder.decode(Buffer.concat([Buffer.from('2,b\n3,'), Buffer.from([0xff]), Buffer.from('\n')]))).toThrow(
      /^f\.csv: line 4: invalid UTF-8 bytes; .*--encoding gbk/,
    );
  });

  it('decodes GBK split across chunks', () => {
    const decoder = new ChunkDecoder('f.csv', 'gb18030');
    const bytes = iconv.encode('客户名称', 'gbk');
    expect(decoder.decode(bytes.subarray(0, 3)) + decoder.decode(bytes.subarray(3)) + decoder.end()).toBe('客户名称');
  });

  it('accepts encoding names', () => {
    expect(parseEncodingName('GBK')).toBe('gb18030');
    expect(parseEncodingName('utf-8')).toBe('utf8');
    expect(() => parseEncodingName('latin1')).toThrow(/not supported/);
  });
});

describe('detectEncoding with a stray bad byte', () => {
  it('keeps UTF-8 (the import then names the line) instead of reading Chinese UTF-8 as GB18030', () => {
    const bytes = Buffer.concat([Buffer.from('customer_id,name,city\nM1,张三,上海\nM3,Bad', 'utf8'), Buffer.from([0xff]), Buffer.from(',X\n')]);
    expect(detectEncoding(bytes).encoding).toBe('utf8');
  });
  it('still detects real GBK', () => {
    expect(detectEncoding(iconv.encode('客户编号,客户名称,城市\r\nC1,张三,上海\r\n', 'gbk')).encoding).toBe('gb18030');
  });
});
