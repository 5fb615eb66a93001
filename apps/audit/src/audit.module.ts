import { Module } from '@nestjs/common';
import { AuditController } from './queries/audit.controller.js';
import { AuditRepository } from './queries/audit.repository.js';
import { Recorder } from './records/recorder.js';

/** Records every event and answers the auditors' queries. */
@Module({ controllers: [Recorder, AuditController], providers: [AuditRepository] })
export class AuditModule {}
