import { Inject, Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { EntityRows } from '@jit/events';
import { ConflictError } from '@jit/platform';
import { RequestRecord } from './request.entity.js';
import type { SubmitInput } from './request.input.js';
import type { Submitted } from './request.view.js';

/** Postgres' unique_violation. */
const UNIQUE_VIOLATION = '23505';
/** The unique index that keeps one open request per person and application. */
const ONE_OPEN_PER_APPLICATION = 'requests_one_open_per_application';

/**
 * What earlier submissions mean for a new one, decided by unique indexes rather than a check that a
 * concurrent call could pass too. `Idempotency-Key`: a key is unique per requester, a replay of the
 * same request gets the first answer, and the same key for a different request is a 409. One open
 * request per person and application: a second is a 409 naming the first.
 */
@Injectable()
export class SubmissionReplay {
  private readonly rows = new EntityRows(RequestRecord);

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

  /**
   * The 409 for a submission that lost to an open request of the same person for the same
   * application (the unique index decided; this only names the winner, in `details.requestId`).
   */
  async openRequestConflict(requester: string, applicationId: string): Promise<ConflictError> {
    const open = await this.dataSource.getRepository(RequestRecord).findOneBy({ requester, applicationId, holdsOpenSlot: true });
    const which = open ? ` (${open.id}, ${open.status})` : '';
    return new ConflictError(
      `${requester} already has an open request for ${applicationId}${which}: cancel it, or wait until it ends, before asking again`,
      { field: 'applicationId', ...(open ? { requestId: open.id, status: open.status } : {}) },
    );
  }

  /**
   * Makes a request being recorded the open one of its requester for its application, tied to its
   * key if it has one; an open request already there, or a concurrent first use of the key, makes
   * this fail with a unique violation, and the whole submission rolls back.
   */
  async claim(manager: EntityManager, requestId: string, idempotencyKey: string | undefined): Promise<void> {
    await this.rows.update(manager, 'id', requestId, { holdsOpenSlot: true, ...(idempotencyKey ? { idempotencyKey } : {}) });
  }
}

/** Whether a failed write lost the race for a unique key. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION;
}

/** Whether a failed write lost to an open request of the same person for the same application. */
export function isOpenRequestClash(error: unknown): boolean {
  return (
    isUniqueViolation(error) && ((error as QueryFailedError).driverError as { constraint?: string }).constraint === ONE_OPEN_PER_APPLICATION
  );
}
