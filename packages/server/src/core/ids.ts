import { randomBytes } from 'node:crypto';

/** A new server-generated id: a short type prefix and 128 random bits, url-safe. */
export function newId(
  prefix:
    | 'th'
    | 'msg'
    | 'key'
    | 'usr'
    | 'ten'
    | 'conn'
    | 'org'
    | 'dep'
    | 'bh'
    | 'vis'
    | 'cnv'
    | 'note'
    | 'cr'
    | 'aud',
): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
