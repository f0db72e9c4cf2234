import { randomBytes } from 'node:crypto';

/** 128 random bits as 22 base64url characters: grant and FAST token ids. */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}
