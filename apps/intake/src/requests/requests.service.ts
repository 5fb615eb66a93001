import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { Clock, Outbox, createEvent, type AccessEvent, type EventDraft } from '@jit/events';
import { ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationError, actsAsItself, type Principal } from '@jit/platform';
import { Catalog } from '../catalog/catalog.js';
import { decide, evolve, type RequestCommand, type RequestState, type RequestStatus } from './request.decider.js';
import { RequestRecord, columnsOf, stateOf } from './request.entity.js';
import { isRequestId, type ListFilter, type SubmitInput } from './request.input.js';

/** A request as the API shows it. */
export interface RequestView {
  id: string;
  requester: string;
  applicationId: string;
  status: RequestStatus;
  reason: string | null;
  justification: string;
  durationSeconds: number;
  createdAt: string;
  grantedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  revokeRequestedAt: string | null;
}

/** The answer to a new request; an `Idempotency-Key` replay gets the same one. */
export interface Submitted {
  id: string;
  status: 'pending';
}

/** Postgres' unique_violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * Request intake: records requests with their `requested` event, answers cancel and relinquish,
 * and keeps each request's status from the events that follow (the read model).
 */
@Injectable()
export class RequestsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(Catalog) private readonly catalog: Catalog,
  ) {}

  /** Records a request and its `requested` event in one transaction. */
  async submit(principal: Principal, input: SubmitInput, idempotencyKey?: string): Promise<Submitted> {
    const requester = requesterOf(principal, input.requester);
    const application = this.catalog.find(input.applicationId);
    if (!application) {
      throw new ValidationError(`applicationId: unknown application "${input.applicationId}"; GET /v1/applications lists them`, {
        field: 'applicationId',
      });
    }
    if (idempotencyKey) {
      const earlier = await this.replay(requester, idempotencyKey, input);
      if (earlier) return earlier;
    }
    const command: RequestCommand = {
      type: 'submit',
      requester,
      application,
      durationSeconds: input.durationSeconds,
      justification: input.justification,
    };
    const id = randomUUID();
    const drafts = orThrow(decide(command, undefined, this.clock.now()));
    try {
      await this.dataSource.transaction(async (manager) => {
        const events = this.stamp(drafts, id, principal);
        const state = events.reduce<RequestState | undefined>(evolve, undefined);
        if (!state) throw new Error('a submitted request has no state');
        await manager.insert(RequestRecord, {
          id,
          idempotencyKey: idempotencyKey ?? null,
          updatedAt: this.clock.now(),
          ...columnsOf(state),
        });
        await this.outbox.enqueue(manager, events);
      });
    } catch (error) {
      // Another call with the same key committed first: answer as it was answered.
      const earlier = idempotencyKey && isUniqueViolation(error) ? await this.replay(requester, idempotencyKey, input) : undefined;
      if (earlier) return earlier;
      throw error;
    }
    return { id, status: 'pending' };
  }

  /** One request, if the caller may see it. */
  async get(principal: Principal, id: string): Promise<RequestView> {
    return viewOf(await this.visible(this.dataSource.manager, principal, id));
  }

  /** The requests the caller may see, newest first. */
  async list(principal: Principal, filter: ListFilter): Promise<RequestView[]> {
    if (principal.via !== 'api_key' && filter.requester && filter.requester !== principal.subject) {
      throw new ForbiddenError('requester: you may only list your own requests');
    }
    const where: FindOptionsWhere<RequestRecord> = {};
    const requester = principal.via === 'api_key' ? filter.requester : principal.subject;
    if (requester) where.requester = requester;
    if (filter.status) where.status = filter.status;
    const records = await this.dataSource.getRepository(RequestRecord).find({ where, order: { createdAt: 'DESC' }, take: filter.limit });
    return records.map(viewOf);
  }

  /** Withdraws a request that has not been granted. */
  cancel(principal: Principal, id: string): Promise<RequestView> {
    return this.command(principal, id, { type: 'cancel', by: principal.subject });
  }

  /** Ends granted access early; the status stays `granted` until the provisioner confirms the revocation. */
  relinquish(principal: Principal, id: string): Promise<RequestView> {
    return this.command(principal, id, { type: 'relinquish', by: principal.subject });
  }

  /** Folds an event into its request's row, inside the consumer's transaction. */
  async apply(event: AccessEvent, manager: EntityManager): Promise<void> {
    const record = await manager.findOne(RequestRecord, { where: { id: event.requestId }, lock: { mode: 'pessimistic_write' } });
    // The row commits before its `requested` event is published, so a missing row is a request from elsewhere or one not yet visible: retry.
    if (!record) throw new Error(`request ${event.requestId} is not known to intake`);
    await this.save(manager, record, evolve(stateOf(record), event));
  }

  private async command(principal: Principal, id: string, command: RequestCommand): Promise<RequestView> {
    return this.dataSource.transaction(async (manager) => {
      const record = await this.visible(manager, principal, id, true);
      const events = this.stamp(orThrow(decide(command, stateOf(record), this.clock.now())), id, principal);
      const next = events.reduce(evolve, stateOf(record));
      await this.save(manager, record, next);
      await this.outbox.enqueue(manager, events);
      return viewOf({ ...record, ...columnsOf(next) });
    });
  }

  /** The row of a request the caller may see; anyone else gets the same 404 as for a request that does not exist. */
  private async visible(manager: EntityManager, principal: Principal, id: string, forUpdate = false): Promise<RequestRecord> {
    const record = isRequestId(id)
      ? await manager.findOne(RequestRecord, { where: { id }, ...(forUpdate ? { lock: { mode: 'pessimistic_write' as const } } : {}) })
      : null;
    if (!record || (principal.via !== 'api_key' && record.requester !== principal.subject)) throw new NotFoundError(`no request ${id}`);
    return record;
  }

  private async save(manager: EntityManager, record: RequestRecord, next: RequestState): Promise<void> {
    if (sameState(stateOf(record), next)) return;
    await manager.update(RequestRecord, { id: record.id }, { ...columnsOf(next), updatedAt: this.clock.now() });
  }

  private async replay(requester: string, idempotencyKey: string, input: SubmitInput): Promise<Submitted | undefined> {
    const earlier = await this.dataSource.getRepository(RequestRecord).findOneBy({ requester, idempotencyKey });
    if (!earlier) return undefined;
    const same =
      earlier.applicationId === input.applicationId &&
      earlier.durationSeconds === input.durationSeconds &&
      earlier.justification === input.justification;
    if (!same)
      throw new ConflictError('Idempotency-Key: this key was used for a different request', {
        field: 'Idempotency-Key',
        requestId: earlier.id,
      });
    return { id: earlier.id, status: 'pending' };
  }

  private stamp(drafts: EventDraft[], requestId: string, principal: Principal): AccessEvent[] {
    return drafts.map((draft) => createEvent(draft, { requestId, actor: principal.subject }, this.clock));
  }
}

/** Who a new request is for: the caller, or for an API key that may act for others, the person it names. */
function requesterOf(principal: Principal, requested: string | undefined): string {
  if (requested !== undefined) {
    if (principal.via !== 'api_key' || !principal.mayActOnBehalf)
      throw new ForbiddenError('requester: only an API key may ask on behalf of someone else');
    return requested;
  }
  if (actsAsItself(principal)) {
    throw new ValidationError('requester: an API key must name the person, in the requester field or the On-Behalf-Of header', {
      field: 'requester',
    });
  }
  return principal.subject;
}

function orThrow<T>(outcome: T | DomainError): T {
  if (outcome instanceof DomainError) throw outcome;
  return outcome;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION;
}

function sameState(a: RequestState, b: RequestState): boolean {
  return (Object.keys(a) as (keyof RequestState)[]).every((key) => a[key] === b[key]);
}

function viewOf(record: RequestRecord): RequestView {
  const state = stateOf(record);
  return { id: record.id, ...state };
}
