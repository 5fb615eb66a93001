import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PipelineOutcome } from '@jit/events';
import { ConflictError, NotFoundError, ValidationError, viaOf, type Principal } from '@jit/platform';
import { Catalog } from '@jit/catalog';
import type { RequestCommand, RequestState } from './request.decider.js';
import type { ExtendInput, SubmitInput } from './request.input.js';
import { RequestPipeline } from './request.pipeline.js';
import { RequestQueries } from './request-queries.js';
import { requesterOf } from './requester.js';
import { isOpenRequestClash, isUniqueViolation, SubmissionReplay } from './submission-replay.js';
import { viewOf, type RequestView, type Submitted } from './request.view.js';

/** What callers ask of requests: submit one, cancel it, extend its access or end it early. */
@Injectable()
export class RequestCommands {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(RequestPipeline) private readonly pipeline: RequestPipeline,
    @Inject(RequestQueries) private readonly queries: RequestQueries,
    @Inject(SubmissionReplay) private readonly replay: SubmissionReplay,
    @Inject(Catalog) private readonly catalog: Catalog,
  ) {}

  /**
   * Records a request and its `requested` event in one transaction; a replayed `Idempotency-Key` gets
   * the first answer, and a second open request of one person for one application is a 409.
   */
  async submit(principal: Principal, input: SubmitInput, idempotencyKey?: string): Promise<Submitted> {
    const requester = requesterOf(principal, input.requester);
    const application = this.catalog.find(input.applicationId);
    if (!application) {
      throw new ValidationError(`applicationId: unknown application "${input.applicationId}"; GET /v1/applications lists them`, {
        field: 'applicationId',
      });
    }
    const earlier = idempotencyKey && (await this.replay.earlier(requester, idempotencyKey, input));
    if (earlier) return earlier;
    const id = randomUUID();
    const command: RequestCommand = {
      type: 'submit',
      requester,
      application,
      durationSeconds: input.durationSeconds,
      justification: input.justification,
    };
    let outcome: PipelineOutcome<RequestState>;
    try {
      outcome = await this.dataSource.transaction(async (manager) => {
        const decided = await this.pipeline.run({ requestId: id, command, actor: principal.subject, via: viaOf(principal), manager });
        if (decided.kind === 'done') await this.replay.claim(manager, id, idempotencyKey);
        return decided;
      });
    } catch (error) {
      // Another call with the same key committed first: answer as it was answered (or 409 for another body).
      const first = idempotencyKey && isUniqueViolation(error) ? await this.replay.earlier(requester, idempotencyKey, input) : undefined;
      if (first) return first;
      if (isOpenRequestClash(error)) throw await this.replay.openRequestConflict(requester, input.applicationId);
      throw error;
    }
    settled(outcome);
    return { id, status: 'pending' };
  }

  /** Withdraws a request that has not been granted. */
  cancel(principal: Principal, id: string): Promise<RequestView> {
    return this.decide(principal, id, { type: 'cancel', by: principal.subject });
  }

  /** Ends granted access early; the status stays `granted` until the provisioner confirms the revocation. */
  relinquish(principal: Principal, id: string): Promise<RequestView> {
    return this.decide(principal, id, { type: 'relinquish', by: principal.subject });
  }

  /** Asks for granted access to last longer; approval decides, and the provisioner moves the expiry (`extended`). */
  extend(principal: Principal, id: string, input: ExtendInput): Promise<RequestView> {
    return this.decide(principal, id, { type: 'extend', by: principal.subject, ...input });
  }

  private async decide(principal: Principal, id: string, command: RequestCommand): Promise<RequestView> {
    // A request's requester never changes, so seeing it before the pipeline locks the row is as good as after.
    await this.queries.visible(principal, id);
    const state = settled(await this.pipeline.run({ requestId: id, command, actor: principal.subject, via: viaOf(principal) }));
    if (!state.recorded) throw new NotFoundError(`no request ${id}`);
    return viewOf(id, state);
  }
}

/** The state a command left, or the refusal as the error the API answers with. */
function settled(outcome: PipelineOutcome<RequestState>): RequestState {
  switch (outcome.kind) {
    case 'done':
    case 'nothing':
      return outcome.state;
    case 'not_yet':
      throw new ConflictError(outcome.reason);
    case 'refused':
      throw outcome.error;
    default: {
      const _exhaustive: never = outcome;
      return _exhaustive;
    }
  }
}
