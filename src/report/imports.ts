// The import log as a report.
import type { ImportRunRow } from '../db/import-store.js';
import { importKindLabels } from './codes.js';
import type { Report } from './types.js';

export function importRunsReport(runs: ImportRunRow[]): Report {
  return {
    name: 'import-log',
    title: 'Import runs',
    titleZh: '导入记录',
    json: 'array',
    columns: [
      { key: 'run_id', label: 'Run', labelZh: '批次', type: 'integer' },
      { key: 'kind', label: 'Kind', labelZh: '类型', type: 'text', labels: importKindLabels },
      { key: 'file', label: 'File', labelZh: '文件', type: 'text' },
      { key: 'finished_at', label: 'Finished', labelZh: '完成时间', type: 'datetime' },
      { key: 'rows_read', label: 'Read', labelZh: '读取', type: 'integer' },
      { key: 'new', label: 'New', labelZh: '新增', type: 'integer' },
      { key: 'changed', label: 'Changed', labelZh: '更新', type: 'integer' },
      { key: 'unchanged', label: 'Unchanged', labelZh: '未变', type: 'integer' },
      { key: 'rejected', label: 'Rejected', labelZh: '拒绝', type: 'integer' },
      { key: 'customers_created', label: 'Customers created', labelZh: '新建客户', type: 'integer' },
      { key: 'content_hash', label: 'SHA-256', labelZh: '内容哈希', type: 'text' },
      { key: 'undone_at', label: 'Undone', labelZh: '已撤销', type: 'datetime' },
    ],
    rows: runs.map((run) => ({
      run_id: run.id, kind: run.kind, file: run.file_name, finished_at: run.finished_at, rows_read: run.rows_read,
      new: run.rows_new, changed: run.rows_changed, unchanged: run.rows_unchanged, rejected: run.rows_rejected,
      customers_created: run.customers_created, content_hash: run.content_hash, undone_at: run.undone_at,
    })),
  };
}
