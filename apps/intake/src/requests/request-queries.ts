import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type FindOptionsWhere } from 'typeorm';
import { NotFoundError, type Principal } from '@jit/platform';
import { RequestRecord, stateOf } from './request.entity.js';
import { isRequestId, type ListFilter } from './request.input.js';
import { listedRequester, maySee } from './request-visibility.js';
import { viewOf, type RequestView } from './request.view.js';

/** The status read model: requests as their callers may see them. */
@Injectable()
export class RequestQueries {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** One request, if the caller may see it. */
  async get(principal: Principal, id: string): Promise<RequestView> {
    return viewOf(id, stateOf(await this.visible(principal, id)));
  }

  /** The requests the caller may see, newest first. */
  async list(principal: Principal, filter: ListFilter): Promise<RequestView[]> {
    const where: FindOptionsWhere<RequestRecord> = {};
    const requester = listedRequester(principal, filter.requester);
    if (requester) where.requester = requester;
    if (filter.status) where.status = filter.status;
    const records = await this.dataSource.getRepository(RequestRecord).find({ where, order: { createdAt: 'DESC' }, take: filter.limit });
    return records.map((record) => viewOf(record.id, stateOf(record)));
  }

  /** The row of a request the caller may see; anyone else gets the same 404 as for a request that does not exist. */
  async visible(principal: Principal, id: string): Promise<RequestRecord> {
    const record = isRequestId(id) ? await this.dataSource.getRepository(RequestRecord).findOneBy({ id }) : null;
    if (!record || !maySee(principal, record.requester)) throw new NotFoundError(`no request ${id}`);
    return record;
  }
}
