import { showLogin } from './login-view.ts'
import { session, setSession } from './session.ts'

let prompting = false

/**
 * The server answered 401 to a signed-in page: the session expired or was ended (password reset,
 * account disabled). Ask for the password again, then reload so every view starts clean.
 */
export function sessionEnded(): void {
  if (prompting || !session()) return
  prompting = true
  setSession(null)
  void showLogin('auth.expired').then(() => window.location.reload())
}
