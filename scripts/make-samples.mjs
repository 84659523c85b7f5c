// Writes samples/: deterministic, hand-checkable sample data (run: node scripts/make-samples.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';

const out = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../samples');
fs.mkdirSync(out, { recursive: true });

// Small deterministic PRNG (mulberry32) so the samples never change unless this script does.
let seed = 20261123;
const random = () => {
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];

const surnames = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '高', '罗'];
const given = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '晓东', '海燕', '建国', '志强', '雪梅', '俊杰'];
const pinyin = { 王: 'wang', 李: 'li', 张: 'zhang', 刘: 'liu', 陈: 'chen', 杨: 'yang', 黄: 'huang', 赵: 'zhao', 吴: 'wu', 周: 'zhou', 徐: 'xu', 孙: 'sun', 马: 'ma', 朱: 'zhu', 胡: 'hu', 郭: 'guo', 何: 'he', 林: 'lin', 高: 'gao', 罗: 'luo' };
const englishNames = ['Emma Clarke', 'Oliver Smith', 'Sophie Martin', 'Lucas Weber', 'Mia Rossi', 'Noah Dubois', 'Ava Jensen', 'Liam O\'Brien', 'Chloe Tan', 'Ethan Lee'];
const cities = [['上海', '上海'], ['北京', '北京'], ['杭州', '浙江'], ['宁波', '浙江'], ['广州', '广东'], ['深圳', '广东'], ['成都', '四川'], ['南京', '江苏'], ['苏州', '江苏'], ['武汉', '湖北']];
const companySuffix = ['贸易有限公司', '科技有限公司', '餐饮管理有限公司', '文化传媒有限公司', '商贸行', '设计工作室', '电子商务有限公司'];
const companyPrefix = ['恒丰', '华美', '鼎盛', '新源', '瑞祥', '金桥', '明德', '启航', '东方', '汇通', '森林', '海川'];
const channels = ['referral', 'website', 'trade show', 'WeChat', 'walk-in', 'cold call'];
const owners = ['王伟', '李娜', '张强', 'Emma Liu'];
const tagsPool = ['wholesale', 'retail', 'vip', 'restaurant', 'office', 'online'];
const products = [
  // name, unit price, cost share
  ['Green tea 250g', 68, 0.55], ['Oolong tea 500g', 158, 0.5], ['Pu-erh cake 357g', 420, 0.45], ['Tea set (porcelain)', 680, 0.6],
  ['Gift box (premium)', 1280, 0.5], ['Jasmine tea 100g', 38, 0.6], ['Office tea subscription', 2400, 0.4], ['Tea tasting workshop', 3600, 0.3],
];

const customers = [];
for (let i = 1; i <= 200; i += 1) {
  const english = i % 17 === 0;
  let name;
  let email;
  if (english) {
    name = englishNames[(i / 17) % englishNames.length | 0];
    email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com`;
  } else {
    const surname = pick(surnames);
    name = surname + pick(given);
    email = random() < 0.8 ? `${pinyin[surname]}${i}@example.cn` : '';
  }
  const [city, region] = pick(cities);
  const hasCompany = random() < 0.55;
  const company = hasCompany ? `${city}${pick(companyPrefix)}${pick(companySuffix)}` : '';
  const phone = random() < 0.9 ? `13${Math.floor(random() * 10)}${String(Math.floor(random() * 1e8)).padStart(8, '0')}` : '';
  const created = new Date(Date.UTC(2024, 9, 1) + Math.floor(random() * 600) * 86400000).toISOString().slice(0, 10);
  const tags = [pick(tagsPool), ...(random() < 0.3 ? [pick(tagsPool)] : [])].filter((v, k, a) => a.indexOf(v) === k).join(',');
  customers.push({
    id: `C${String(i).padStart(4, '0')}`, name, company, email, phone, city, region, channel: pick(channels), owner: pick(owners), tags,
    notes: i % 23 === 0 ? 'prefers delivery before 10:00, "no calls at lunch"' : '', created,
    // Long tail: a Pareto weight decides how much a customer buys.
    weight: Math.pow(1 - random(), -1 / 1.4), churned: random() < 0.18,
  });
}

const start = Date.UTC(2024, 10, 1);
const end = Date.UTC(2026, 9, 31);
const day = 86400000;
const orders = [];
const totalWeight = customers.reduce((sum, c) => sum + c.weight, 0);
let orderNo = 1;
for (const customer of customers) {
  const count = Math.max(1, Math.round((customer.weight / totalWeight) * 2000));
  const first = Math.max(start, Date.parse(`${customer.created}T00:00:00Z`));
  const last = customer.churned ? Math.min(end, first + (120 + Math.floor(random() * 240)) * day) : end;
  for (let k = 0; k < count; k += 1) {
    const date = new Date(first + Math.floor(random() * Math.max(1, (last - first) / day)) * day).toISOString().slice(0, 10);
    const [product, price, costShare] = customer.weight > 8 && random() < 0.4 ? pick(products.slice(4)) : pick(products.slice(0, 6));
    const quantity = 1 + Math.floor(random() * (customer.weight > 4 ? 6 : 3));
    const amount = price * quantity * (random() < 0.15 ? 0.9 : 1);
    const cost = amount * costShare * (0.9 + random() * 0.2);
    orders.push({ customer: customer.id, date, product, quantity, amount: amount.toFixed(2), cost: random() < 0.05 ? '' : cost.toFixed(2), status: random() < 0.03 ? 'refunded' : 'paid' });
  }
}
orders.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.customer < b.customer ? -1 : 1));
for (const order of orders) order.id = `O${String(orderNo++).padStart(5, '0')}`;

const cell = (value) => (/[",\r\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));
const csv = (header, rows) => [header.join(','), ...rows.map((row) => row.map(cell).join(','))].join('\n') + '\n';

// Issue 11: a partner, leads (some converted by their first order, some dropped) and a finished campaign with a
// control group. A PRNG of its own and arrays of their own (contacts, extraOrders), so nothing above changes and
// the daily part below draws the same numbers as before.
let contactSeed = 20261125;
const contactRandom = () => {
  contactSeed |= 0; contactSeed = (contactSeed + 0x6d2b79f5) | 0;
  let t = Math.imul(contactSeed ^ (contactSeed >>> 15), 1 | contactSeed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const contactPick = (list) => list[Math.floor(contactRandom() * list.length)];
const dayOf = (date, offset) => new Date(Date.parse(`${date}T00:00:00Z`) + offset * day).toISOString().slice(0, 10);
const partner = {
  id: 'P0001', name: '茶友会', company: '杭州茶友会文化传播有限公司', email: 'hello@chayouhui.example.cn', phone: '057188886666', city: '杭州', region: '浙江',
  channel: '', owner: '王伟', tags: 'partner', notes: 'tea club: sends members to the shop', created: '2025-03-01', kind: 'partner',
};
// Customers who came by referral after the club started work with the shop name it as their referrer.
for (const customer of customers) {
  customer.kind = 'customer';
  customer.referredBy = customer.channel === 'referral' && customer.created >= partner.created ? partner.id : '';
}
const leadSources = ['fair', 'fair', 'fair', 'fair', 'fair', 'web', 'web', 'web', 'web', 'cold call', 'cold call', 'cold call'];
const leadPlan = ['convert', 'convert', 'convert', 'drop', 'open', 'convert', 'convert', 'drop', 'drop', 'convert', 'drop', 'open'];
const dropReasons = ['no budget', 'price too high', 'no budget', 'went to a competitor'];
const leads = leadSources.map((source, index) => {
  const surname = contactPick(surnames);
  const created = dayOf('2026-08-15', Math.floor(contactRandom() * 75));
  return {
    id: `L${String(index + 1).padStart(4, '0')}`, name: surname + contactPick(given), company: '', email: `${pinyin[surname]}.lead${index + 1}@example.cn`,
    phone: `13${Math.floor(contactRandom() * 10)}${String(Math.floor(contactRandom() * 1e8)).padStart(8, '0')}`, city: contactPick(cities)[0], region: '',
    channel: source, owner: contactPick(owners), tags: '', notes: '', created, kind: 'lead', referredBy: '', plan: leadPlan[index],
    droppedAt: '', dropReason: '',
  };
});
for (const lead of leads) lead.region = cities.find(([city]) => city === lead.city)[1];
let dropIndex = 0;
for (const lead of leads.filter((candidate) => candidate.plan === 'drop')) {
  lead.droppedAt = dayOf(lead.created, 20 + Math.floor(contactRandom() * 30));
  if (lead.droppedAt > '2026-11-20') lead.droppedAt = '2026-11-20';
  lead.dropReason = dropReasons[dropIndex++ % dropReasons.length];
}
const extraOrders = [];
const extraOrder = (customer, date, productIndex, quantity) => {
  const [product, price, costShare] = products[productIndex];
  const amount = price * quantity;
  extraOrders.push({ customer, date, product, quantity, amount: amount.toFixed(2), cost: (amount * costShare).toFixed(2), status: 'paid' });
};
// The partner buys wholesale for its tastings: its own orders, which no customer analysis counts.
for (const date of ['2025-04-12', '2025-09-20', '2026-03-15', '2026-09-05']) extraOrder(partner.id, date, 2, 6 + Math.floor(contactRandom() * 6));
// A converted lead's first order comes 5–40 days after it was recorded, then maybe one or two more.
for (const lead of leads.filter((candidate) => candidate.plan === 'convert')) {
  let date = dayOf(lead.created, 5 + Math.floor(contactRandom() * 36));
  for (let k = 0, count = 1 + Math.floor(contactRandom() * 3); k < count && date <= '2026-11-20'; k += 1) {
    extraOrder(lead.id, date, Math.floor(contactRandom() * 6), 1 + Math.floor(contactRandom() * 3));
    date = dayOf(date, 10 + Math.floor(contactRandom() * 30));
  }
}

// The sample campaign: an autumn letter to the Lead tier (the 80 % of customers who bring the least profit) as of
// 2026-08-01, 20 % held back, seed 2026: what `crm campaign create autumn-letter --tier lead --as-of 2026-08-01
// --holdout 20% --seed 2026` chooses (crm demo runs it). The tier and the split are computed here exactly as crm
// does (db/pyramid.ts, analysis/campaign-split.ts), so the letter's effect can be given to the treated customers.
const sampleCampaign = { name: 'autumn-letter', tier: 'lead', asOf: '2026-08-01', holdout: 20, seed: 2026, windowDays: 60 };
const cents = (text) => (text === '' ? 0 : Math.round(Number(text) * 100));
const profitBefore = new Map();
for (const order of orders) {
  if (order.status === 'refunded' || order.date > sampleCampaign.asOf) continue;
  profitBefore.set(order.customer, (profitBefore.get(order.customer) ?? 0) + cents(order.amount) - cents(order.cost));
}
const ranked = [...profitBefore.entries()];
const positionOf = (profit) => 1 + ranked.filter(([, other]) => other > profit).length; // rank(): ties share the best position
const audience = ranked.filter(([, profit]) => (positionOf(profit) - 1) * 100 >= ranked.length * 20).map(([id]) => id);
const draws = audience.map((id) => ({ id, draw: createHash('sha256').update(`${sampleCampaign.seed}:${id}`).digest('hex') })).sort((a, b) => (a.draw < b.draw ? -1 : a.draw > b.draw ? 1 : 0));
const controlCount = Math.round((audience.length * sampleCampaign.holdout) / 100);
const controlGroup = new Set(draws.slice(0, controlCount).map((entry) => entry.id));
const treatedGroup = audience.filter((id) => !controlGroup.has(id)).sort();
// Nearly every treated customer got the letter and a call; about 40 % of them ordered again within the 60 days because of it.
const campaignContacts = [];
for (const id of treatedGroup) {
  const customer = customers.find((candidate) => candidate.id === id);
  if (contactRandom() < 0.9) {
    const date = dayOf('2026-08-03', Math.floor(contactRandom() * 10));
    campaignContacts.push({ customer: id, date, time: `${String(9 + Math.floor(contactRandom() * 8)).padStart(2, '0')}:${contactPick(['00', '15', '30', '45'])}`, kind: contactPick(['call', 'message']), summary: contactPick(['秋季新品来信回访', 'autumn letter: called about the new oolong', '寄送秋季优惠券']), outcome: contactPick(['会考虑', '下单了', 'will order', '']), owner: customer.owner });
    if (contactRandom() < 0.45) extraOrder(id, dayOf(date, 2 + Math.floor(contactRandom() * 40)), Math.floor(contactRandom() * 6), 1 + Math.floor(contactRandom() * 3));
  }
}
// Meetings with the partner (no campaign): crm report partners shows them.
for (const date of ['2026-03-10', '2026-06-18', '2026-10-08']) {
  campaignContacts.push({ customer: partner.id, date, time: '15:00', kind: 'meeting', summary: contactPick(['茶友会季度沟通', 'planned the next tasting evening']), outcome: '', owner: partner.owner, campaign: '' });
}
campaignContacts.sort((a, b) => (a.date + a.time < b.date + b.time ? -1 : a.date + a.time > b.date + b.time ? 1 : a.customer < b.customer ? -1 : 1));
extraOrders.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.customer < b.customer ? -1 : 1));
for (const order of extraOrders) order.id = `O${String(orderNo++).padStart(5, '0')}`;

// Contacts: the partner first (customers name it as their referrer), then the customers, then the leads.
const contacts = [partner, ...customers, ...leads];
const contactRow = (c, created) => [c.id, c.name, c.company, c.email, c.phone, c.city, c.region, c.channel, c.owner, c.tags, c.notes, created, c.kind, c.referredBy ?? '', c.droppedAt ?? '', c.dropReason ?? ''];
fs.writeFileSync(path.join(out, 'customers.csv'), csv(
  ['customer_id', 'name', 'company', 'email', 'phone', 'city', 'region', 'channel', 'owner', 'tags', 'notes', 'created_at', 'kind', 'referred_by', 'dropped_at', 'drop_reason'],
  contacts.map((c) => contactRow(c, c.created)),
));
fs.writeFileSync(path.join(out, 'orders.csv'), csv(
  ['order_id', 'customer_id', 'order_date', 'product', 'quantity', 'amount', 'cost', 'status'],
  [...orders, ...extraOrders].map((o) => [o.id, o.customer, o.date, o.product, o.quantity, o.amount, o.cost, o.status]),
));
// The same contacts as Excel on Chinese Windows writes them: GBK, Chinese headers, CRLF, dates as 2025年3月1日.
const kindZh = { customer: '客户', lead: '线索', partner: '合作伙伴' };
const gbkDate = (iso) => {
  if (!iso) return '';
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};
const gbk = csv(
  ['客户编号', '客户名称', '公司', '邮箱', '手机', '城市', '省份', '来源', '负责人', '标签', '备注', '建档日期', '类型', '推荐人', '放弃日期', '放弃原因'],
  contacts.map((c) => {
    const row = contactRow(c, gbkDate(c.created));
    row[12] = kindZh[c.kind];
    row[14] = gbkDate(c.droppedAt);
    return row;
  }),
).replace(/\n/g, '\r\n');
fs.writeFileSync(path.join(out, 'customers-gbk.csv'), iconv.encode(gbk, 'gbk'));
fs.writeFileSync(path.join(out, 'campaign-contacts.csv'), csv(
  ['interaction_id', 'customer_id', 'kind', 'occurred_at', 'summary', 'outcome', 'owner', 'campaign'],
  campaignContacts.map((row, index) => [`K${String(index + 1).padStart(5, '0')}`, row.customer, row.kind, `${row.date} ${row.time}`, row.summary, row.outcome, row.owner, row.campaign ?? sampleCampaign.name]),
));
console.log(`samples: 1 partner, ${leads.length} leads, ${extraOrders.length} more orders; campaign ${sampleCampaign.name}: ${audience.length} customers, ${controlCount} held back, ${campaignContacts.length} contacts`);
fs.writeFileSync(path.join(out, 'bad-orders.csv'), [
  'order_id,customer_id,order_date,product,quantity,amount,cost,status',
  'B001,C0001,2026-02-30,Green tea 250g,1,68.00,37.40,paid',
  'B002,C0002,2026-03-01,Green tea 250g,1,sixty-eight,37.40,paid',
  'B003,C9999,2026-03-02,Oolong tea 500g,2,316.00,158.00,paid',
  'B004,,2026-03-03,Jasmine tea 100g,1,38.00,22.80,paid',
  'B005,C0003,2026-03-04,Tea set (porcelain),1,"¥1,280.00",640.00,paid',
  'B006,C0004,2026/03/05,Gift box (premium),1,1e400,640.00,paid',
].join('\n') + '\n');
console.log(`samples: ${customers.length} customers, ${orders.length} orders -> ${out}`);
// Daily work on the same customers and orders: contacts, payments, surveys. A PRNG of its own, so the
// customers and orders above never change because of this part.
let dailySeed = 20261124;
const dailyRandom = () => {
  dailySeed |= 0; dailySeed = (dailySeed + 0x6d2b79f5) | 0;
  let t = Math.imul(dailySeed ^ (dailySeed >>> 15), 1 | dailySeed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const dailyPick = (list) => list[Math.floor(dailyRandom() * list.length)];
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const lastDay = Date.UTC(2026, 10, 22); // the day before the README's "today" (2026-11-23)
const contactKinds = [
  // kind, share, Chinese label sometimes used in the export, summaries, outcomes
  ['call', 0.4, '电话', ['询问新茶价格', '回访上次订单', '确认送货时间', '介绍秋季新品', 'asked about the price list'], ['下周下单', '暂不需要', '要样品', 'will order next week', '']],
  ['message', 0.25, '微信', ['发送新品图片', '节日问候', '发送报价单', 'sent photos of the new oolong'], ['已读', '回复感兴趣', '']],
  ['email', 0.15, '邮件', ['发送产品目录', '发送发票', 'sent the catalogue', 'sent the invoice'], ['', '已确认']],
  ['visit', 0.1, '拜访', ['上门品茶', '门店拜访', 'tasting at the shop'], ['订了礼盒', '需要报价', 'ordered 2 gift boxes']],
  ['meeting', 0.05, '会议', ['年度采购会议', '办公室茶水方案沟通'], ['签订年度订阅', '再考虑']],
  ['note', 0.05, '备注', ['客户偏好乌龙茶', '换了采购负责人', 'prefers morning deliveries'], ['']],
];
const pickKind = () => {
  let roll = dailyRandom();
  for (const kind of contactKinds) {
    roll -= kind[1];
    if (roll <= 0) return kind;
  }
  return contactKinds[0];
};
const interactions = [];
for (const customer of customers) {
  const first = Date.parse(`${customer.created}T00:00:00Z`);
  const count = Math.min(15, 1 + Math.floor(Math.sqrt(customer.weight) * 2 * dailyRandom()) + (customer.weight > 4 ? 2 : 0));
  const own = [];
  for (let k = 0; k < count; k += 1) {
    const dayMs = first + Math.floor(dailyRandom() * Math.max(1, (lastDay - first) / day)) * day;
    const [kind, , chinese, summaries, outcomes] = pickKind();
    const time = `${String(9 + Math.floor(dailyRandom() * 9)).padStart(2, '0')}:${dailyPick(['00', '15', '30', '45'])}`;
    own.push({ customer: customer.id, date: isoDay(dayMs), time, kind: dailyRandom() < 0.1 ? chinese : kind, summary: dailyPick(summaries), outcome: dailyPick(outcomes), owner: customer.owner, followUp: '' });
  }
  own.sort((a, b) => (a.date + a.time < b.date + b.time ? -1 : 1));
  // Only the latest contact may still have an open follow-up, and only when it is recent.
  const latest = own[own.length - 1];
  if (latest && latest.date >= '2026-10-10' && dailyRandom() < 0.6) latest.followUp = isoDay(Date.parse(`${latest.date}T00:00:00Z`) + (3 + Math.floor(dailyRandom() * 25)) * day);
  interactions.push(...own);
}
interactions.sort((a, b) => (a.date + a.time < b.date + b.time ? -1 : a.date + a.time > b.date + b.time ? 1 : a.customer < b.customer ? -1 : 1));
fs.writeFileSync(path.join(out, 'interactions.csv'), csv(
  ['interaction_id', 'customer_id', 'kind', 'occurred_at', 'summary', 'outcome', 'owner', 'follow_up_at'],
  interactions.map((row, index) => [`I${String(index + 1).padStart(5, '0')}`, row.customer, row.kind, `${row.date} ${row.time}`, row.summary, row.outcome, row.owner, row.followUp]),
));

// Payments: most orders are paid within a month; recent ones are often still open; a few are paid in two parts.
const methods = ['bank transfer', 'WeChat Pay', 'Alipay', 'cash'];
const payments = [];
for (const order of orders) {
  if (order.status === 'refunded') continue;
  const orderDay = Date.parse(`${order.date}T00:00:00Z`);
  const recent = order.date >= '2026-09-01';
  if (dailyRandom() > (recent ? 0.7 : 0.97)) continue;
  const cents = Math.round(Number(order.amount) * 100);
  const paidDay = (offset) => isoDay(Math.min(lastDay, orderDay + offset * day));
  const method = dailyPick(methods);
  if (dailyRandom() < 0.05) {
    const half = Math.round(cents / 2);
    payments.push({ customer: order.customer, order: order.id, date: paidDay(Math.floor(dailyRandom() * 10)), cents: half, method });
    if (!recent) payments.push({ customer: order.customer, order: order.id, date: paidDay(20 + Math.floor(dailyRandom() * 30)), cents: cents - half, method });
  } else {
    payments.push({ customer: order.customer, order: order.id, date: paidDay(Math.floor(dailyRandom() * 30)), cents, method });
  }
}
payments.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order < b.order ? -1 : 1));
// The issue-11 orders are paid within three weeks, except the latest ones; appended, so the payments above keep their ids.
const extraPayments = [];
for (const order of extraOrders) {
  if (order.date >= '2026-11-01') continue;
  extraPayments.push({ customer: order.customer, order: order.id, date: isoDay(Math.min(lastDay, Date.parse(`${order.date}T00:00:00Z`) + Math.floor(contactRandom() * 21) * day)), cents: Math.round(Number(order.amount) * 100), method: contactPick(methods) });
}
extraPayments.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order < b.order ? -1 : 1));
payments.push(...extraPayments);
fs.writeFileSync(path.join(out, 'payments.csv'), csv(
  ['payment_id', 'customer_id', 'order_id', 'paid_on', 'amount', 'method'],
  payments.map((p, index) => [`P${String(index + 1).padStart(5, '0')}`, p.customer, p.order, p.date, (p.cents / 100).toFixed(2), p.method]),
));

// Surveys with Chinese headers, as a questionnaire tool exports them: expectation and perception 1-10.
const surveys = [];
const buyers = [...new Set(orders.map((order) => order.customer))];
for (const customerId of buyers) {
  if (dailyRandom() > 0.45) continue;
  const customer = customers.find((c) => c.id === customerId);
  const rounds = dailyRandom() < 0.3 ? 2 : 1;
  for (let k = 0; k < rounds; k += 1) {
    const expected = 6 + Math.floor(dailyRandom() * 5);
    const drift = Math.round((dailyRandom() + dailyRandom() - 1) * 3) - (customer.churned ? 2 : 0);
    const perceived = Math.max(1, Math.min(10, expected + drift));
    const recommend = Math.max(0, Math.min(10, perceived + Math.round((dailyRandom() - 0.5) * 3)));
    const date = isoDay(Date.UTC(2025, 5, 1) + Math.floor(dailyRandom() * 530) * day);
    surveys.push({ customer: customerId, date, expected, perceived, recommend: dailyRandom() < 0.1 ? '' : recommend });
  }
}
surveys.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.customer < b.customer ? -1 : 1));
fs.writeFileSync(path.join(out, 'surveys.csv'), csv(
  ['问卷编号', '客户编号', '调查日期', '期望', '感知', '推荐'],
  surveys.map((s, index) => [`S${String(index + 1).padStart(4, '0')}`, s.customer, s.date, s.expected, s.perceived, s.recommend]),
));
console.log(`samples: ${interactions.length} interactions, ${payments.length} payments, ${surveys.length} surveys`);


// The old points system's ledger (crm import points; README "Members and points"): what it recorded up to 2024-12-31,
// the day before the shop's points rules start in crm (--from 2025-01-01), so no order earns twice. One point per
// whole yuan of each 2024 sale, a birthday gift for every fourth member and a redemption for every third, with the
// Chinese headers and kinds such a system exports. No random numbers: the files above are unchanged by it.
const oldEarned = new Map();
const oldLedger = [];
for (const o of [...orders, ...extraOrders].filter((o) => o.date <= '2024-12-31' && o.status !== 'refunded' && Number(o.amount) > 0)
  .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : 1))) {
  const points = Math.floor(Number(o.amount));
  oldLedger.push([`JF-${o.id}`, o.customer, o.date, points, '获得', `消费 ${o.id}`]);
  oldEarned.set(o.customer, (oldEarned.get(o.customer) ?? 0) + points);
}
[...oldEarned.keys()].sort().forEach((customer, index) => {
  if (index % 4 === 0) oldLedger.push([`JF-G${String(index + 1).padStart(3, '0')}`, customer, '2024-12-15', 88, '赠送', '生日礼']);
  if (index % 3 === 0) oldLedger.push([`JF-R${String(index + 1).padStart(3, '0')}`, customer, '2024-12-20', -Math.max(1, Math.floor(oldEarned.get(customer) / 2)), '兑换', '茶具一套']);
});
fs.writeFileSync(path.join(out, 'points.csv'), csv(['积分流水号', '会员编号', '日期', '积分', '类型', '说明'], oldLedger));
console.log(`samples: ${oldLedger.length} rows of the old points ledger`);
