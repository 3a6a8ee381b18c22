import {
  validateMe,
  validateMember,
  validatePage,
  validateSpace
} from '../validate';
import { makeSpace, ME } from './fakeserver';

describe('validate', () => {
  it('accepts a well-formed user', () => {
    expect(validateMe({ ...ME })).toEqual(ME);
  });

  it('rejects a user whose permissions are not strings', () => {
    expect(() => validateMe({ ...ME, permissions: [1] })).toThrow(
      /permissions/
    );
  });

  it('rejects a non-object', () => {
    expect(() => validateMe(null)).toThrow(/not an object/);
    expect(() => validateMe([])).toThrow(/not an object/);
  });

  it('normalizes a missing description and role of a space', () => {
    const space = makeSpace('a');
    delete space.description;
    delete space.role;
    const valid = validateSpace(space);
    expect(valid.description).toBe('');
    expect(valid.role).toBeNull();
  });

  it('rejects an unknown role', () => {
    expect(() => validateSpace(makeSpace('a', { role: 'admin' }))).toThrow(
      /role/
    );
    expect(() =>
      validateMember({ username: 'b', display_name: 'B', role: 'boss' })
    ).toThrow(/role/);
  });

  it('requires items in a page and defaults next to null', () => {
    expect(() => validatePage({}, validateMember)).toThrow(/items/);
    expect(validatePage({ items: [] }, validateMember)).toEqual({
      items: [],
      next: null
    });
  });
});
