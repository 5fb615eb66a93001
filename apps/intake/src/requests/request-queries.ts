import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { decodeCursor, NotFoundError, pageOf, type Page, type Principal } from '@jit/platform';
import { RequestRecord, stateOf } from './request.entity.js';
import { isRequestId, type ListFilter } from './request.input.js';
import { listedRequester, maySee } from './request-visibility.js';
import { viewOf, type RequestView } from './request.view.js';

/** Where a page of requests ends: the creation time and id of its last (oldest) request. */
const ListCursor = z.object({ createdAt: z.iso.datetime(), id: z.uuid() });

/** The status read model: requests as their callers may see them. */
@Injectable()
export class RequestQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** One request, if the caller may see it. */
  async get(principal: Principal, id: string): Promise<RequestView> {
    return viewOf(id, stateOf(await this.visible(principal, id)));
  }

  /** One page of the requests the caller may see, newest first. */
  async list(principal: Principal, filter: ListFilter): Promise<Page<RequestView>> {
    const query = this.dataSource.getRepository(RequestRecord).createQueryBuilder('r');
    const requester = listedRequester(principal, filter.requester);
    if (requester) query.andWhere('r.requester = :requester', { requester });
    if (filter.status) query.andWhere('r.status = :status', { status: filter.status });
    const after = decodeCursor(ListCursor, filter.cursor);
    if (after) query.andWhere('(r.created_at, r.id) < (:createdAt, :id)', after);
    const records = await query
      .orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .take(filter.limit + 1)
      .getMany();
    const page = pageOf(records, filter.limit, (record) => ({ createdAt: record.createdAt.toISOString(), id: record.id }));
    return { items: page.items.map((record) => viewOf(record.id, stateOf(record))), nextCursor: page.nextCursor };
  }

  /** The row of a request the caller may see; anyone else gets the same 404 as for a request that does not exist. */
  async visible(principal: Principal, id: string): Promise<RequestRecord> {
    const record = isRequestId(id) ? await this.dataSource.getRepository(RequestRecord).findOneBy({ id }) : null;
    if (!record || !maySee(principal, record.requester)) throw new NotFoundError(`no request ${id}`);
    return record;
  }
}
