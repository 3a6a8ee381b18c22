/**
 * Shape validation of the studio API's answers.
 *
 * Each validator throws an `Error` naming the first property that does not
 * have the expected shape, and returns its argument typed when it does.
 */
import type { IMe, IMember, IPage, ISpace, IUser } from './api';

const SHARING = ['private', 'shared'];
const ROLES = ['viewer', 'editor', 'owner'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function assertObject(
  value: unknown,
  what: string
): asserts value is Record<string, unknown> {
  if (!isObject(value)) {
    throw new Error(`${what} is not an object`);
  }
}

/**
 * Check that `object[name]` is of `typeName` ('string', 'boolean', 'array'
 * of strings, or 'string|null'), and optionally one of `values`.
 */
function validateProperty(
  object: Record<string, unknown>,
  name: string,
  typeName: 'string' | 'boolean' | 'string[]' | 'string|null',
  values?: readonly string[]
): void {
  if (!(name in object)) {
    throw new Error(`Missing property '${name}'`);
  }
  const value = object[name];
  let valid: boolean;
  switch (typeName) {
    case 'string[]':
      valid = Array.isArray(value) && value.every(v => typeof v === 'string');
      break;
    case 'string|null':
      valid = value === null || typeof value === 'string';
      break;
    default:
      valid = typeof value === typeName;
  }
  if (!valid) {
    throw new Error(`Property '${name}' is not of type '${typeName}'`);
  }
  if (values && value !== null && !values.includes(value as string)) {
    throw new Error(
      `Property '${name}' is not one of ${JSON.stringify(values)}: ${JSON.stringify(value)}`
    );
  }
}

/** Validate the answer of `GET /me`. */
export function validateMe(value: unknown): IMe {
  assertObject(value, 'The signed-in user');
  validateProperty(value, 'username', 'string');
  validateProperty(value, 'display_name', 'string');
  validateProperty(value, 'personas', 'string[]');
  validateProperty(value, 'permissions', 'string[]');
  validateProperty(value, 'is_admin', 'boolean');
  return value as unknown as IMe;
}

/** Validate a space. */
export function validateSpace(value: unknown): ISpace {
  assertObject(value, 'A space');
  validateProperty(value, 'name', 'string');
  validateProperty(value, 'sharing', 'string', SHARING);
  // The description may be missing or null on the wire: normalize to ''.
  if (value.description === undefined || value.description === null) {
    value.description = '';
  }
  validateProperty(value, 'description', 'string');
  validateProperty(value, 'owner', 'string');
  validateProperty(value, 'path', 'string');
  if (value.role === undefined) {
    value.role = null;
  }
  validateProperty(value, 'role', 'string|null', ROLES);
  validateProperty(value, 'created_at', 'string');
  validateProperty(value, 'updated_at', 'string');
  return value as unknown as ISpace;
}

/** Validate a member of a space. */
export function validateMember(value: unknown): IMember {
  assertObject(value, 'A member');
  validateProperty(value, 'username', 'string');
  if (value.display_name === undefined || value.display_name === null) {
    value.display_name = value.username;
  }
  validateProperty(value, 'display_name', 'string');
  validateProperty(value, 'role', 'string', ROLES);
  return value as unknown as IMember;
}

/** Validate a user profile. */
export function validateUser(value: unknown): IUser {
  assertObject(value, 'A user');
  validateProperty(value, 'username', 'string');
  if (value.display_name === undefined || value.display_name === null) {
    value.display_name = value.username;
  }
  validateProperty(value, 'display_name', 'string');
  validateProperty(value, 'personas', 'string[]');
  validateProperty(value, 'created_at', 'string');
  return value as unknown as IUser;
}

/** Validate a list answer `{items: [...], next}` with a validator per item. */
export function validatePage<T>(
  value: unknown,
  validateItem: (item: unknown) => T
): IPage<T> {
  assertObject(value, 'A list');
  if (!Array.isArray(value.items)) {
    throw new Error("Property 'items' is not an array");
  }
  if (value.next === undefined) {
    value.next = null;
  }
  validateProperty(value, 'next', 'string|null');
  return {
    items: value.items.map((item, index) => {
      try {
        return validateItem(item);
      } catch (error) {
        throw new Error(`items[${index}]: ${(error as Error).message}`);
      }
    }),
    next: value.next as string | null
  };
}
