import * as auth from './auth.ts'
import { JSON_TYPE, type Endpoint } from './endpoint.ts'

/** Signing in and the account's own API tokens (client/src/auth/auth-api.ts). */
export const AUTH_ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'POST',
    path: '/api/auth/login',
    summary: 'sign in with {"username","password"}: sets the session cookie, returns the CSRF token and permissions',
    body: auth.loginBody,
    answer: { [JSON_TYPE]: auth.loginAnswer },
    errors: [400, 401, 429],
  },
  {
    method: 'GET',
    path: '/api/auth/me',
    summary: 'the signed-in account, its role, grid cells and what each layer allows ({"user": null} signed out)',
    answer: { [JSON_TYPE]: auth.meAnswer },
  },
  {
    method: 'GET',
    path: '/api/auth/tokens',
    summary: 'your API tokens (never the secrets)',
    answer: { [JSON_TYPE]: auth.tokensAnswer },
  },
  {
    method: 'POST',
    path: '/api/auth/tokens',
    summary: 'a new API token {"name"}, shown once',
    body: auth.tokenBody,
    answer: { [JSON_TYPE]: auth.tokenCreated },
    statuses: [201],
    errors: [400],
  },
]

/**
 * Signing out, revoking a token, changing the password: answered 204 with no content. A list of
 * their own, asked by tests/api/contract-admin-community.test.ts (the other auth endpoints by
 * contract-people-live.test.ts).
 */
export const AUTH_NO_CONTENT_ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'POST',
    path: '/api/auth/logout',
    summary: 'end this session (its cookie is cleared); signed in with a token or not at all, nothing to end: 204 all the same',
    answer: {},
    statuses: [204],
  },
  {
    method: 'DELETE',
    path: '/api/auth/tokens/:id',
    summary: 'revoke one of your API tokens (audited)',
    answer: {},
    statuses: [204],
    errors: [404],
  },
  {
    method: 'POST',
    path: '/api/auth/password',
    summary: 'change your password {"current","password"}: ends every session and revokes every API token of the account (403 when current is wrong)',
    body: auth.passwordBody,
    answer: {},
    statuses: [204],
    errors: [400],
  },
]
