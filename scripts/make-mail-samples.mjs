// Writes samples/mail.mbox and samples/mail/*.eml: a small mailbox whose addresses match customers in
// samples/customers.csv (run: node scripts/make-mail-samples.mjs). Each message shows one thing crm import mail reads
// (README "crm import mail"); the bytes are written here because a GBK body and CRLF lines do not survive an editor.
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';

const out = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../samples');
const b64 = (text, charset = 'utf-8') => `=?${charset.toUpperCase()}?B?${iconv.encode(text, charset).toString('base64')}?=`;
const shop = '"Chaye Tea Shop" <shop@chaye.example.cn>';
const crlf = (text) => text.replace(/\r?\n/g, '\r\n');

const messages = [];
// 1. Plain UTF-8 from a customer (高建国, C0001). Two body lines as the mbox writer quoted them: "From the warehouse…"
//    was written ">From …", and ">From the last order…" (mboxrd) ">>From …"; crm reads one ">" off each.
messages.push({
  envelope: 'gao1@example.cn Mon Nov  2 09:15:00 2026',
  bytes: Buffer.from(`From: ${b64('高建国')} <gao1@example.cn>
To: ${shop}
Subject: Order for November
Date: Mon, 2 Nov 2026 09:14:27 +0800
Message-ID: <20261102091427.gao1@example.cn>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

您好，十一月请照常送 20 斤龙井。

>From the warehouse, please send the invoice too.
>>From the last order: two boxes were short.
`),
});
// 2. From the shop to 赵磊 (C0003), Cc 李秀英 (C0004): a =?UTF-8?B?…?= subject; one message, two customers.
messages.push({
  envelope: 'shop@chaye.example.cn Tue Nov  3 14:02:10 2026',
  bytes: Buffer.from(`From: ${shop}
To: ${b64('赵磊')} <zhao3@example.cn>
Cc: li4@example.cn
Subject: ${b64('秋季新品目录')}
Date: Tue, 3 Nov 2026 14:02:00 +0800
Message-ID: <catalogue-2026-11@chaye.example.cn>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

${Buffer.from('附上秋季新品目录，欢迎选购。\n').toString('base64')}
`),
});
// 3. A customer writing in GBK (马志强, C0007, his address in capitals): =?GB2312?B?…?= subject and a GBK body.
messages.push({
  envelope: 'MA7@EXAMPLE.CN Wed Nov  4 08:30:00 2026',
  bytes: Buffer.concat([
    Buffer.from(`From: ${b64('马志强', 'gb2312')} <MA7@EXAMPLE.CN>
To: shop@chaye.example.cn
Subject: ${b64('报价单确认', 'gb2312')}
Date: Wed, 4 Nov 2026 08:29:51 +0800
Message-ID: <GB-4711@mail.example.cn>
MIME-Version: 1.0
Content-Type: text/plain; charset=gbk
Content-Transfer-Encoding: 8bit

`),
    iconv.encode('报价单已收到，价格没有问题，请安排发货。\n', 'gbk'),
  ]),
});
// 4. From the shop to 吴军 (C0008) with two attachments: their names are noted, the files are not stored.
messages.push({
  envelope: 'shop@chaye.example.cn Thu Nov  5 10:00:00 2026',
  bytes: Buffer.from(`From: ${shop}
To: wu8@example.cn
Subject: Quotation and price list
Date: Thu, 5 Nov 2026 10:00:00 +0800
Message-ID: <quote-wu8-1105@chaye.example.cn>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="sep-1105"

--sep-1105
Content-Type: text/plain; charset=utf-8

Dear Mr Wu, the quotation and our price list are attached.
--sep-1105
Content-Type: application/pdf; name="${b64('报价单.pdf')}"
Content-Disposition: attachment; filename="${b64('报价单.pdf')}"
Content-Transfer-Encoding: base64

${Buffer.from('%PDF-1.4 sample\n').toString('base64')}
--sep-1105
Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; name="price-list-2026.xlsx"
Content-Disposition: attachment; filename="price-list-2026.xlsx"
Content-Transfer-Encoding: base64

${Buffer.from('not really a spreadsheet').toString('base64')}
--sep-1105--
`),
});
// 5. Someone no customer is (yet): counted as unmatched, listed; --create-leads makes a lead of them.
messages.push({
  envelope: 'chen.jing@example.com Fri Nov  6 16:45:00 2026',
  bytes: Buffer.from(`From: Chen Jing <chen.jing@example.com>
To: shop@chaye.example.cn
Subject: Do you ship to Xiamen?
Date: Fri, 6 Nov 2026 16:44:12 +0800
Message-ID: <b7e1c0de-5f2a@example.com>
Content-Type: text/plain; charset=us-ascii

Hello, do you ship tea to Xiamen, and what does it cost?
`),
});
// 6. Message 1 again (the same Message-ID, as a mail program's copy in another folder): adds nothing.
messages.push({ envelope: 'gao1@example.cn Mon Nov  2 09:15:02 2026', bytes: messages[0].bytes });
// 7. No Message-ID and no Date (孙杰, C0010): keyed by a hash of its headers, dated by the mbox "From " line.
messages.push({
  envelope: 'sun10@example.cn Sat Nov  7 03:20:00 2026',
  bytes: Buffer.from(`From: sun10@example.cn
To: shop@chaye.example.cn
Subject: ${b64('回复：样品')}
Content-Type: text/plain; charset=utf-8

样品收到了，谢谢。
`),
});

const mbox = Buffer.concat(messages.flatMap((message) => [Buffer.from(`From ${message.envelope}\n`), message.bytes, Buffer.from('\n')]));
fs.writeFileSync(path.join(out, 'mail.mbox'), mbox);

// samples/mail/: the same kind of mail as single .eml files (a lead writing back, and an unknown sender).
fs.mkdirSync(path.join(out, 'mail'), { recursive: true });
fs.writeFileSync(path.join(out, 'mail', '2026-11-08-yang.eml'), Buffer.from(crlf(`From: ${b64('杨秀英')} <yang.lead1@example.cn>
To: shop@chaye.example.cn
Subject: ${b64('想了解批发价格')}
Date: Sun, 8 Nov 2026 11:05:00 +0800
Message-ID: <yang-20261108@example.cn>
Content-Type: text/plain; charset=utf-8

请问一次买 50 斤有什么价格？
`)));
fs.writeFileSync(path.join(out, 'mail', '2026-11-09-lin.eml'), Buffer.from(crlf(`From: Lin Tao <lin.tao@example.net>
To: shop@chaye.example.cn
Subject: Introduced by Mr Gao
Date: Mon, 9 Nov 2026 15:30:00 +0800
Message-ID: <lin-20261109@example.net>
Content-Type: text/plain; charset=utf-8

Mr Gao said you sell good Longjing. Could I visit the shop?
`)));
console.log('wrote samples/mail.mbox (7 messages) and samples/mail/ (2 .eml files)');
