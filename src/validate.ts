/**
 * Shape validation of the studio API's answers.
 *
 * Each validator throws an `Error` naming the first property that does not
 * have the expected shape, and returns its argument typed when it does.
 */
import type { IMe, IMember, IPage, ISpace, IUser } from './api';

const SHARING = ['private', 'shared'];
const ROLES = ['viewer', 'editor', 'owner'];

/** An object with unknown properties, as decoded from JSON. */
export type JSONObject = Record<string, unknown>;

/** Whether a value is a plain object (not null, not an array). */
export function isObject(value: unknown): value is JSONObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throw unless `value` is a plain object; `what` names it in the error. */
export function assertObject(
  value: unknown,
  what: string
): asserts value is JSONObject {
  if (!isObject(value)) {
    throw new Error(`${what} is not an object`);
  }
}

/** Throw the error of a property that does not have the expected type. */
export function fail(name: string, typeName: string): never {
  throw new Error(`Property '${name}' is not of type '${typeName}'`);
}

/**
 * Check that `object[name]` is of `typeName` ('string', 'boolean', 'array'
 * of strings, or 'string|null'), and optionally one of `values`.
 */
export function validateProperty(
  object: JSONObject,
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
    fail(name, typeName);
  }
  if (values && value !== null && !values.includes(value as string)) {
    throw new Error(
      `Property '${name}' is not one of ${JSON.stringify(values)}: ${JSON.stringify(value)}`
    );
  }
}

/** Default a missing or null string to `fallback`, then check it is a string. */
export function optionalString(
  object: JSONObject,
  name: string,
  fallback: unknown = ''
): void {
  if (object[name] === undefined || object[name] === null) {
    object[name] = fallback;
  }
  validateProperty(object, name, 'string');
}

/** Default a missing value to `null`, then check it is a string or null. */
export function nullableString(
  object: JSONObject,
  name: string,
  values?: readonly string[]
): void {
  if (object[name] === undefined) {
    object[name] = null;
  }
  validateProperty(object, name, 'string|null', values);
}

/** Default a missing value to `null`, then check it is a number or null. */
export function nullableNumber(object: JSONObject, name: string): void {
  if (object[name] === undefined) {
    object[name] = null;
  }
  if (object[name] !== null && typeof object[name] !== 'number') {
    fail(name, 'number|null');
  }
}

/** Default a missing or null map to `{}`, then check it is an object. */
export function optionalMap(object: JSONObject, name: string): void {
  if (object[name] === undefined || object[name] === null) {
    object[name] = {};
  }
  if (!isObject(object[name])) {
    fail(name, 'object');
  }
}

/** Check that `object[name]` is an integer. */
export function requireInteger(object: JSONObject, name: string): void {
  if (!Number.isInteger(object[name])) {
    fail(name, 'integer');
  }
}

/** Default a missing or null list to `[]`, then check it is an array. */
export function optionalArray(object: JSONObject, name: string): unknown[] {
  if (object[name] === undefined || object[name] === null) {
    object[name] = [];
  }
  if (!Array.isArray(object[name])) {
    fail(name, 'array');
  }
  return object[name] as unknown[];
}

/** Default a missing value to `null`, then check it is an object or null. */
export function nullableObject(
  object: JSONObject,
  name: string
): JSONObject | null {
  if (object[name] === undefined) {
    object[name] = null;
  }
  const value = object[name];
  if (value !== null) {
    assertObject(value, `Property '${name}'`);
    return value;
  }
  return null;
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
  optionalString(value, 'description');
  validateProperty(value, 'owner', 'string');
  validateProperty(value, 'path', 'string');
  nullableString(value, 'role', ROLES);
  validateProperty(value, 'created_at', 'string');
  validateProperty(value, 'updated_at', 'string');
  return value as unknown as ISpace;
}

/** Validate a member of a space. */
export function validateMember(value: unknown): IMember {
  assertObject(value, 'A member');
  validateProperty(value, 'username', 'string');
  optionalString(value, 'display_name', value.username);
  validateProperty(value, 'role', 'string', ROLES);
  return value as unknown as IMember;
}

/** Validate a user profile. */
export function validateUser(value: unknown): IUser {
  assertObject(value, 'A user');
  validateProperty(value, 'username', 'string');
  optionalString(value, 'display_name', value.username);
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
  nullableString(value, 'next');
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
