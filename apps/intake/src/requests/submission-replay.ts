import { Inject, Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { ConflictError } from '@jit/platform';
import { RequestRecord } from './request.entity.js';
import type { SubmitInput } from './request.input.js';
import type { Submitted } from './request.view.js';

/** Postgres' unique_violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * `Idempotency-Key` on `POST /v1/requests`: a key is unique per requester (a unique index), a replay
 * of the same request gets the first answer, and the same key for a different request is a 409.
 */
@Injectable()
export class SubmissionReplay {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The answer an earlier submission with this key got, if there was one. */
  async earlier(requester: string, idempotencyKey: string, input: SubmitInput): Promise<Submitted | undefined> {
    const earlier = await this.dataSource.getRepository(RequestRecord).findOneBy({ requester, idempotencyKey });
    if (!earlier) return undefined;
    const same =
      earlier.applicationId === input.applicationId &&
      earlier.durationSeconds === input.durationSeconds &&
      earlier.justification === input.justification;
    if (!same) {
      throw new ConflictError('Idempotency-Key: this key was used for a different request', {
        field: 'Idempotency-Key',
        requestId: earlier.id,
      });
    }
    return { id: earlier.id, status: 'pending' };
  }

  /** Ties the key to a request being recorded; a concurrent first use of the key makes this fail with a unique violation. */
  async remember(manager: EntityManager, requestId: string, idempotencyKey: string): Promise<void> {
    await manager.update(RequestRecord, { id: requestId }, { idempotencyKey });
  }
}

/** Whether a failed write lost the race for a unique key. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION;
}
