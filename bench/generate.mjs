// Seeded, deterministic generator of large customers and orders CSVs for the benchmark and the big tests.
// Usage: node bench/generate.mjs --customers 100000 --orders 500000 --out DIR
import fs from 'node:fs';
import path from 'node:path';

function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳邢岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵'.split('');
const given = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '晓东', '海燕', '建国', '志强', '雪梅', '俊杰', '子涵', '浩然', '雨桐', '梓萱'];
const latin = ['Emma', 'Oliver', 'Sophie', 'Lucas', 'Mia', 'Noah', 'Ava', 'Liam', 'Chloe', 'Ethan'];
const cities = ['上海', '北京', '杭州', '宁波', '广州', '深圳', '成都', '南京', '苏州', '武汉', '西安', '重庆', 'Hong Kong', 'Singapore'];
const channels = ['referral', 'website', 'trade show', 'WeChat', 'walk-in', 'cold call'];
const owners = ['王伟', '李娜', '张强', 'Emma Liu', '陈静', 'Noah Chen'];
const products = [['Green tea 250g', 6800], ['Oolong tea 500g', 15800], ['Pu-erh cake 357g', 42000], ['Tea set, porcelain', 68000], ['Gift box (premium)', 128000], ['Jasmine tea 100g', 3800]];

export function generate({ customers, orders, out, seed = 42 }) {
  const random = mulberry32(seed);
  fs.mkdirSync(out, { recursive: true });
  const customersFile = path.join(out, 'customers.csv');
  const ordersFile = path.join(out, 'orders.csv');
  const weights = new Float64Array(customers);
  let fd = fs.openSync(customersFile, 'w');
  let buffer = 'customer_id,name,company,email,phone,city,channel,owner,created_at\n';
  for (let i = 0; i < customers; i += 1) {
    const id = `C${String(i + 1).padStart(8, '0')}`;
    const chinese = random() < 0.85;
    const name = chinese ? surnames[Math.floor(random() * surnames.length)] + given[Math.floor(random() * given.length)] : `${latin[Math.floor(random() * latin.length)]} ${String.fromCharCode(65 + Math.floor(random() * 26))}.`;
    const city = cities[Math.floor(random() * cities.length)];
    // Some quoted fields with commas.
    const company = random() < 0.3 ? `"${city} Trading Co., Ltd."` : random() < 0.5 ? `${city}贸易有限公司` : '';
    const email = random() < 0.7 ? `user${i + 1}@example.com` : '';
    const phone = random() < 0.8 ? `13${Math.floor(random() * 10)}${String(Math.floor(random() * 1e8)).padStart(8, '0')}` : '';
    const created = new Date(Date.UTC(2023, 0, 1) + Math.floor(random() * 1000) * 86400000).toISOString().slice(0, 10);
    buffer += `${id},${name},${company},${email},${phone},${city},${channels[Math.floor(random() * channels.length)]},${owners[Math.floor(random() * owners.length)]},${created}\n`;
    weights[i] = Math.pow(1 - random(), -1 / 1.3); // Pareto: a minority brings most of the profit
    if (buffer.length > 1 << 20) {
      fs.writeSync(fd, buffer);
      buffer = '';
    }
  }
  fs.writeSync(fd, buffer);
  fs.closeSync(fd);
  // Cumulative weights to draw the customer of each order.
  const cumulative = new Float64Array(customers);
  let total = 0;
  for (let i = 0; i < customers; i += 1) cumulative[i] = total += weights[i];
  const start = Date.UTC(2023, 11, 1);
  fd = fs.openSync(ordersFile, 'w');
  buffer = 'order_id,customer_id,order_date,product,quantity,amount,cost,status\n';
  for (let k = 0; k < orders; k += 1) {
    // Every customer gets at least one order first, then orders follow the long tail.
    let index;
    if (k < customers && k < orders / 2) index = k;
    else {
      const target = random() * total;
      let lo = 0;
      let hi = customers - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] < target) lo = mid + 1;
        else hi = mid;
      }
      index = lo;
    }
    const [product, price] = products[Math.floor(random() * products.length)];
    const quantity = 1 + Math.floor(random() * 4);
    const amount = price * quantity;
    const cost = Math.round(amount * (0.35 + random() * 0.4));
    const date = new Date(start + Math.floor(random() * 1095) * 86400000).toISOString().slice(0, 10);
    const quotedProduct = product.includes(',') ? `"${product}"` : product;
    buffer += `O${String(k + 1).padStart(9, '0')},C${String(index + 1).padStart(8, '0')},${date},${quotedProduct},${quantity},${(amount / 100).toFixed(2)},${(cost / 100).toFixed(2)},${random() < 0.02 ? 'refunded' : 'paid'}\n`;
    if (buffer.length > 1 << 20) {
      fs.writeSync(fd, buffer);
      buffer = '';
    }
  }
  fs.writeSync(fd, buffer);
  fs.closeSync(fd);
  return { customersFile, ordersFile };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2);
  const usage = 'usage: node bench/generate.mjs [--customers 100000] [--orders 500000] [--out bench-data] [--seed 42]\n' +
    'writes customers.csv and orders.csv (seeded, the same bytes for the same flags) into --out\n';
  // --help, or a flag it does not know, must not go on to write 45 MB into the current folder.
  const known = new Set(['--customers', '--orders', '--out', '--seed']);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage);
    process.exit(0);
  }
  const unknown = args.filter((arg, index) => arg.startsWith('-') && !known.has(arg) && !known.has(args[index - 1] ?? ''));
  if (unknown.length) {
    process.stderr.write(`generate.mjs: unknown option ${unknown[0]}\n${usage}`);
    process.exit(2);
  }
  const get = (name, fallback) => {
    const at = args.indexOf(`--${name}`);
    return at === -1 ? fallback : args[at + 1];
  };
  const result = generate({ customers: Number(get('customers', 100000)), orders: Number(get('orders', 500000)), out: get('out', 'bench-data'), seed: Number(get('seed', 42)) });
  console.log(JSON.stringify(result));
}
