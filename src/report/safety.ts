// Reports of the data-safety commands: backup, restore, doctor, import undo, customer forget.
import { checkStatusLabels } from './codes.js';
import type { BackupResult } from '../db/backup.js';
import type { DoctorCheck } from '../db/doctor.js';
import type { Report } from './types.js';

export function backupReport(result: BackupResult, pruned: string[]): Report {
  return {
    name: 'backup',
    title: 'Backup',
    titleZh: '备份',
    json: 'object',
    vertical: true,
    columns: [
      { key: 'file', label: 'File', labelZh: '文件', type: 'text' },
      { key: 'bytes', label: 'Bytes', labelZh: '字节', type: 'integer' },
      { key: 'integrity', label: 'Integrity', labelZh: '完整性', type: 'text' },
      { key: 'pruned', label: 'Pruned', labelZh: '已删除的旧备份', type: 'text' },
    ],
    rows: [{ file: result.file, bytes: result.bytes, integrity: result.integrity, pruned: pruned.join(', ') }],
  };
}

export function doctorReport(checks: DoctorCheck[], file: string): Report {
  const failed = checks.filter((check) => check.status === 'fail').length;
  const warned = checks.filter((check) => check.status === 'warn').length;
  return {
    name: 'doctor',
    title: `Database check: ${file}`,
    titleZh: `数据库检查：${file}`,
    json: 'array',
    columns: [
      { key: 'check', label: 'Check', labelZh: '检查项', type: 'text' },
      { key: 'status', label: 'Status', labelZh: '状态', type: 'text', labels: checkStatusLabels },
      { key: 'detail', label: 'Detail', labelZh: '详情', type: 'text' },
      { key: 'hint', label: 'What to do', labelZh: '建议', type: 'text' },
    ],
    rows: checks.map((check) => ({ ...check })),
    notes: [failed ? `${failed} problem${failed === 1 ? '' : 's'} found.` : warned ? `No problems; ${warned} warning${warned === 1 ? '' : 's'}.` : 'No problems found.'],
  };
}

/** crm db copy: the rows of each table that arrived, in the order they were written. */
export function dbCopyReport(tables: { table: string; rows: number }[], from: string, to: string): Report {
  return {
    name: 'db-copy',
    title: `Copied ${from} to ${to}`,
    titleZh: `已复制 ${from} 到 ${to}`,
    json: 'array',
    columns: [
      { key: 'table', label: 'Table', labelZh: '表', type: 'text' },
      { key: 'rows', label: 'Rows', labelZh: '行数', type: 'integer' },
    ],
    rows: tables.map((table) => ({ ...table })),
  };
}
