// The command table: each module registers one command group. Implementations load lazily in their actions.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerInit } from './init.js';
import { registerImport } from './import.js';
import { registerCustomer } from './customer.js';
import { registerDemo } from './demo.js';
import { registerLog } from './log.js';
import { registerFollowups } from './followups.js';
import { registerComplaint } from './complaint.js';
import { registerPay } from './pay.js';
import { registerSurvey } from './survey.js';
import { registerBackup } from './backup.js';
import { registerDoctor } from './doctor.js';
import { registerExport } from './export.js';
import { registerRfm } from './rfm.js';
import { registerSegment } from './segment.js';
import { registerPyramid } from './pyramid.js';
import { registerRelationship } from './relationship.js';
import { registerSnapshot } from './snapshot.js';
import { registerReport } from './report.js';
import { registerAgenda } from './agenda.js';
import { registerDashboard } from './dashboard.js';
import { registerClv } from './clv.js';
import { registerLead } from './lead.js';
import { registerCampaign } from './campaign.js';
import { registerDb } from './db.js';
import { registerTeam } from './team.js';
import { registerCadence } from './cadence.js';
import { registerMember } from './member.js';
import { registerPoints } from './points.js';

export type RegisterCommand = (program: Command, context: CliContext) => void;

export const commandModules: RegisterCommand[] = [
  registerInit, registerImport, registerCustomer, registerDemo, registerLog, registerFollowups, registerComplaint, registerPay,
  registerSurvey, registerBackup, registerDoctor, registerExport, registerRfm, registerSegment, registerPyramid,
  registerRelationship, registerSnapshot, registerReport, registerAgenda, registerDashboard, registerClv, registerLead, registerCampaign,
  registerDb, registerTeam, registerCadence, registerMember, registerPoints,
];
