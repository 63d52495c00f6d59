import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { passwordChecks } from '../ops/metrics.ts'

/** scrypt parameters (RFC 7914 interactive-login strength: N=2^15, r=8, p=1; 32 MiB of memory). */
const N = 32768
const R = 8
const P = 1
const KEY_LENGTH = 64
const MAX_MEM = 64 * 1024 * 1024

function derive(password: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, length, { ...options, maxmem: MAX_MEM }, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

/** `scrypt$N$r$p$salt$hash` (base64url), with a fresh 16-byte salt per password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, { N, r: R, p: P }, KEY_LENGTH)
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** Constant-time check of a password against a stored hash; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![n, r, p].every((x) => Number.isSafeInteger(x) && x > 0)) return false
  const expected = Buffer.from(parts[5]!, 'base64url')
  // Counted as the check starts: how many passwords were tried (the sign-in lockout caps it).
  passwordChecks.inc()
  const key = await derive(password, Buffer.from(parts[4]!, 'base64url'), { N: n, r, p }, expected.length)
  return key.length === expected.length && timingSafeEqual(key, expected)
}

/**
 * A hash of nothing anyone knows, checked when the username does not exist so a failed login
 * takes the same time either way.
 */
let dummy: Promise<string> | null = null
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64url'))
  return dummy
}

/** A new random password: 18 characters from a set without look-alikes. */
export function generatePassword(length = 18): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'
  const bytes = randomBytes(length * 2)
  let out = ''
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const b = bytes[i]!
    if (b < 256 - (256 % alphabet.length)) out += alphabet[b % alphabet.length]
  }
  return out.length === length ? out : generatePassword(length)
}

/** Passwords people choose: 8–200 characters. */
export function passwordProblem(password: string): string | null {
  if (password.length < 8) return 'the password must have at least 8 characters'
  if (password.length > 200) return 'the password must have at most 200 characters'
  return null
}
