import { ForbiddenError, type Principal } from '@jit/platform';
import { parseListFilter, parseSubmit } from '../src/requests/request.input.js';
import { listedRequester, maySee } from '../src/requests/request-visibility.js';
import { requesterOf } from '../src/requests/requester.js';

const carolSignedIn: Principal = { via: 'oidc', subject: 'Carol@Example.com' };
const frontEnd: Principal = { via: 'api_key', apiKey: 'web', subject: 'apikey:web', mayActOnBehalf: true, scopes: ['requests:on-behalf'] };

describe('one identity per requester', () => {
  it('records a request for the canonical login, however the caller or the body spells it', () => {
    expect(requesterOf(carolSignedIn, undefined)).toBe('carol@example.com');
    const { requester } = parseSubmit({ applicationId: 'wiki', duration: '1h', justification: 'x', requester: ' CAROL@example.com ' });
    expect(requesterOf(frontEnd, requester)).toBe('carol@example.com');
  });

  it('lets a person see and list her requests whatever the case of her login, and no one else’s', () => {
    expect(maySee(carolSignedIn, 'carol@example.com')).toBe(true);
    expect(maySee(carolSignedIn, 'dave@example.com')).toBe(false);
    expect(listedRequester(carolSignedIn, parseListFilter({ requester: 'carol@EXAMPLE.com' }).requester)).toBe('carol@example.com');
    expect(() => listedRequester(carolSignedIn, 'dave@example.com')).toThrow(ForbiddenError);
  });

  it('filters an API key’s listing by the canonical login', () => {
    expect(listedRequester(frontEnd, parseListFilter({ requester: 'Carol@Example.com' }).requester)).toBe('carol@example.com');
  });
});
