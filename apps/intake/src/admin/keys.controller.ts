import { Body, Controller, Get, Header, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Clock } from '@jit/events';
import {
  ApiKeyRefSchema,
  ApiRoute,
  ApiKeyStore,
  CurrentPrincipal,
  ForbiddenError,
  NewApiKeySchema,
  RequireScope,
  actsAsItself,
  parseInput,
  type ApiKeyView,
  type IssuedApiKey,
  type Principal,
} from '@jit/platform';

/**
 * Key administration (`jit keys ...` does the same against the database). Only an API key with
 * scope `admin`, acting as itself, may use it: a person's token carries no scopes, and a key
 * acting for someone would record the change as theirs.
 */
@Controller('v1/admin/keys')
@RequireScope('admin')
export class KeysController {
  constructor(
    @Inject(ApiKeyStore) private readonly keys: ApiKeyStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Creates a key; the answer holds its secret, shown this once. */
  @ApiRoute({
    summary: 'Creates an API key (an admin key acting as itself); the secret is in this answer only',
    body: NewApiKeySchema,
    response: { description: 'The key and its secret' },
    errors: [409],
  })
  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<IssuedApiKey> {
    const by = administrator(principal);
    return this.keys.create(parseInput(NewApiKeySchema, body), by, this.clock.now());
  }

  /** Every key, never a secret: status, scopes, expiry, last use, who changed it. */
  @ApiRoute({ summary: 'Lists the API keys (never their secrets)', response: { description: 'The keys' } })
  @Get()
  async list(@CurrentPrincipal() principal: Principal): Promise<{ keys: ApiKeyView[] }> {
    administrator(principal);
    return { keys: await this.keys.list(this.clock.now()) };
  }

  /** Gives the key (by id or name) a new secret, shown this once; the old one stops working at once. */
  @ApiRoute({
    summary: 'Gives a key a new secret; the old one stops working at once',
    params: { id: ApiKeyRefSchema },
    response: { description: 'The key and its new secret' },
    errors: [404],
  })
  @Post(':id/rotate')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  rotate(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<IssuedApiKey> {
    const by = administrator(principal);
    return this.keys.rotate(parseInput(ApiKeyRefSchema, id, { field: 'id' }), by, this.clock.now());
  }

  /** Revokes the key (by id or name) for good. */
  @ApiRoute({
    summary: 'Revokes a key for good',
    params: { id: ApiKeyRefSchema },
    response: { description: 'The revoked key' },
    errors: [404],
  })
  @Post(':id/revoke')
  @HttpCode(200)
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<{ key: ApiKeyView }> {
    const by = administrator(principal);
    return { key: await this.keys.revoke(parseInput(ApiKeyRefSchema, id, { field: 'id' }), by, this.clock.now()) };
  }
}

/** Who the change is recorded as: the administering key itself. */
function administrator(principal: Principal): string {
  if (!actsAsItself(principal)) {
    throw new ForbiddenError('API keys are managed only with an API key holding scope admin, acting as itself (no On-Behalf-Of)');
  }
  return principal.subject;
}
