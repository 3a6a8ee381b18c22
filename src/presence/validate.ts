/**
 * Shape validation of the presence answer.
 *
 * Like `../validate`, the validator throws an `Error` naming the first
 * property that does not have the expected shape.
 */
import { assertObject, optionalString, validateProperty } from '../validate';
import type { IPresence, IPresentPerson } from './api';

/** Validate a person of a presence answer. */
export function validatePresentPerson(value: unknown): IPresentPerson {
  assertObject(value, 'A person');
  validateProperty(value, 'username', 'string');
  optionalString(value, 'display_name', value.username);
  validateProperty(value, 'documents', 'string[]');
  return value as unknown as IPresentPerson;
}

/** Validate the answer of `GET /spaces/{name}/presence`. */
export function validatePresence(value: unknown): IPresence {
  assertObject(value, 'The presence');
  validateProperty(value, 'space', 'string');
  if (!Array.isArray(value.people)) {
    throw new Error("Property 'people' is not an array");
  }
  value.people.forEach((person, index) => {
    try {
      validatePresentPerson(person);
    } catch (error) {
      throw new Error(`people[${index}]: ${(error as Error).message}`);
    }
  });
  return value as unknown as IPresence;
}
