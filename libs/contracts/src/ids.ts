import { z } from 'zod';

/** Asset and device ids travel inside NATS subjects and stream ids: one subject token each. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const ID_RULE = 'an id of 1-64 characters: letters, digits, "-" or "_", starting with a letter or digit';

export const assetIdSchema = z.string().regex(ID_PATTERN, { message: `assetId must be ${ID_RULE}` });
export const deviceIdSchema = z.string().regex(ID_PATTERN, { message: `deviceId must be ${ID_RULE}` });

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}
