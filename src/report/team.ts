// crm team list: the people sharing the database, as rows (db/team.ts listMembers).
import type { Member } from '../db/team.js';
import type { Report } from './types.js';

export function teamReport(members: Member[]): Report {
  return {
    name: 'team',
    title: 'Team',
    titleZh: '团队',
    json: 'array',
    columns: [
      { key: 'login', label: 'Login', labelZh: '登录名', type: 'text' },
      { key: 'name', label: 'Name', labelZh: '姓名', type: 'text' },
      { key: 'role', label: 'Role', labelZh: '角色', type: 'text' },
      { key: 'customers', label: 'Customers', labelZh: '客户数', type: 'integer' },
      { key: 'last_activity', label: 'Last activity', labelZh: '最近活动', type: 'text' },
    ],
    rows: members.map((member) => ({ ...member })),
    notes: members.length === 0 ? ['no one is on the team yet: crm team add LOGIN --name NAME --role owner|manager|sales'] : undefined,
  };
}
