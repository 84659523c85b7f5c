// Writes samples/: deterministic, hand-checkable sample data (run: node scripts/make-samples.mjs).
import fs from 'node:fs';
import path from 'node:path';
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

fs.writeFileSync(path.join(out, 'customers.csv'), csv(
  ['customer_id', 'name', 'company', 'email', 'phone', 'city', 'region', 'channel', 'owner', 'tags', 'notes', 'created_at'],
  customers.map((c) => [c.id, c.name, c.company, c.email, c.phone, c.city, c.region, c.channel, c.owner, c.tags, c.notes, c.created]),
));
fs.writeFileSync(path.join(out, 'orders.csv'), csv(
  ['order_id', 'customer_id', 'order_date', 'product', 'quantity', 'amount', 'cost', 'status'],
  orders.map((o) => [o.id, o.customer, o.date, o.product, o.quantity, o.amount, o.cost, o.status]),
));
// The same customers as Excel on Chinese Windows writes them: GBK, Chinese headers, CRLF, dates as 2025年3月1日.
const gbk = csv(
  ['客户编号', '客户名称', '公司', '邮箱', '手机', '城市', '省份', '来源', '负责人', '标签', '备注', '建档日期'],
  customers.map((c) => {
    const [y, m, d] = c.created.split('-').map(Number);
    return [c.id, c.name, c.company, c.email, c.phone, c.city, c.region, c.channel, c.owner, c.tags, c.notes, `${y}年${m}月${d}日`];
  }),
).replace(/\n/g, '\r\n');
fs.writeFileSync(path.join(out, 'customers-gbk.csv'), iconv.encode(gbk, 'gbk'));
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
