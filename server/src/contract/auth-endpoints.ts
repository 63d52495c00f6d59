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
