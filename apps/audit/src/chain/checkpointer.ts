import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@jit/events';
import { PeriodicTask, SERVICE_CONFIG } from '@jit/platform';
import type { AuditConfig } from '../audit.config.js';
import { sqlOf } from '../records/sql.js';
import { checkpointHead, CheckpointSigner, type SignedCheckpoint } from './checkpoints.js';

/** Signs the chain's head every `AUDIT_CHECKPOINT_INTERVAL_MS` (when it moved) and on demand. */
@Injectable()
export class Checkpointer extends PeriodicTask {
  constructor(
    private readonly dataSource: DataSource,
    private readonly signer: CheckpointSigner,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: AuditConfig,
  ) {
    super();
  }

  protected get intervalMs(): number {
    return this.config.AUDIT_CHECKPOINT_INTERVAL_MS;
  }

  /** Signs the head now; two replicas signing at once each store a valid checkpoint, which is harmless. */
  tick(): Promise<SignedCheckpoint | undefined> {
    return checkpointHead(sqlOf(this.dataSource), this.signer, this.clock.now());
  }
}
