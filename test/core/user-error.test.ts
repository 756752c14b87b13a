import { expect } from 'chai';
import * as fs from 'fs';
import { isUserError, UserError } from '../../lib/core/user-error';

describe('user-error', () => {
  it('counts UserErrors and Node errors about a path the user gave as user errors, nothing else', () => {
    expect(isUserError(new UserError('--jobs must be an integer >= 1'))).to.equal(true);
    let missing: unknown;
    try {
      fs.readdirSync('/no/such/folder/of/results');
    } catch (err) {
      missing = err;
    }
    expect(isUserError(missing)).to.equal(true);
    const unreadable = Object.assign(new Error("EACCES: permission denied, scandir '/root/x'"), {
      code: 'EACCES',
    });
    expect(isUserError(unreadable)).to.equal(true);
    expect(isUserError(Object.assign(new Error('out of memory'), { code: 'ENOMEM' }))).to.equal(
      false,
    );
    expect(
      isUserError(new TypeError("Cannot read properties of undefined (reading 'shape')")),
    ).to.equal(false);
    expect(isUserError('a string')).to.equal(false);
  });
});
