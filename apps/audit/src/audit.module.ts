import { Module } from '@nestjs/common';
import { Checkpointer } from './chain/checkpointer.js';
import { signerProvider } from './chain/signer.provider.js';
import { AuditorQueryLog, AuditorRefusals } from './evidence/auditor-queries.js';
import { AuditController } from './queries/audit.controller.js';
import { AuditRepository } from './queries/audit.repository.js';
import { LingeringGrants } from './queries/lingering.js';
import { Recorder } from './records/recorder.js';

/** Records every event, signs checkpoints of the chain, and answers the auditors' queries (recording each). */
@Module({
  controllers: [Recorder, AuditController],
  providers: [AuditRepository, signerProvider, Checkpointer, LingeringGrants, AuditorQueryLog, AuditorRefusals],
})
export class AuditModule {}
