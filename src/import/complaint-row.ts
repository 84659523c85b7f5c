// One complaints record → a typed row: who, when, how bad, what; open, or resolved with when and how.
import { complaintSeverities, complaintStatuses, type ComplaintSeverity, type ComplaintStatus } from '../analysis/complaints.js';
import { reject, type RecordReader } from './record-reader.js';

export interface ComplaintRow {
  kind: 'complaints';
  externalId: string | null;
  customerExternalId: string;
  openedAt: string;
  severity: ComplaintSeverity;
  summary: string;
  status: ComplaintStatus;
  resolvedAt: string | null;
  resolution: string | null;
  owner: string | null;
}

const severityWords: Record<string, ComplaintSeverity> = {
  low: 'low', minor: 'low', 低: 'low', 轻微: 'low',
  normal: 'normal', medium: 'normal', 一般: 'normal', 普通: 'normal', 中: 'normal',
  high: 'high', urgent: 'high', major: 'high', 高: 'high', 严重: 'high', 紧急: 'high',
};
const statusWords: Record<string, ComplaintStatus> = {
  open: 'open', 未解决: 'open', 处理中: 'open', 待处理: 'open',
  resolved: 'resolved', closed: 'resolved', 已解决: 'resolved', 已处理: 'resolved', 已关闭: 'resolved',
};

export function complaintRow(reader: RecordReader): ComplaintRow {
  const customerExternalId = reader.requiredId('customer_id');
  const openedAt = reader.dateTime('opened_at', reader.required('opened_at'))!;
  const summary = reader.required('summary');
  const rawSeverity = reader.text('severity');
  const severity = rawSeverity ? severityWords[rawSeverity.toLowerCase()] : 'normal';
  if (!severity) reject('severity', rawSeverity!, `not one of ${complaintSeverities.join(', ')} (or 低, 一般, 高)`);
  const resolvedAt = reader.dateTime('resolved_at', reader.text('resolved_at'));
  const resolution = reader.text('resolution') ?? null;
  const rawStatus = reader.text('status');
  // Without a status column (or cell), a resolution date says the complaint was resolved.
  const status = rawStatus ? statusWords[rawStatus.toLowerCase()] : resolvedAt !== null ? 'resolved' : 'open';
  if (!status) reject('status', rawStatus!, `not one of ${complaintStatuses.join(', ')} (or 未解决, 已解决)`);
  if (status === 'resolved' && resolvedAt === null) reject('resolved_at', '', 'required when the complaint is resolved');
  if (status === 'open' && resolvedAt !== null) reject('resolved_at', reader.text('resolved_at')!, 'an open complaint has no resolution date (status resolved?)');
  if (status === 'open' && resolution !== null) reject('resolution', resolution, 'an open complaint has no resolution (status resolved?)');
  return {
    kind: 'complaints',
    externalId: reader.id('complaint_id') ?? null,
    customerExternalId,
    openedAt,
    severity,
    summary,
    status,
    resolvedAt,
    resolution,
    owner: reader.text('owner') ?? null,
  };
}
