import { expect } from 'chai';
import { chooseClasses, listClassNames, parseClassChoice } from '../../lib/explain/class-choice';
import { UserError } from '../../lib/core/user-error';

describe('explain/class-choice', () => {
  const names = ['Trouser', 'Bag', 'Sneaker'];

  it('reads top-K, class names and class indices', () => {
    expect(parseClassChoice('top-2', names)).to.deep.equal({ kind: 'top', k: 2 });
    expect(parseClassChoice('Sneaker, Trouser', names)).to.deep.equal({
      kind: 'fixed',
      classes: [2, 0],
    });
    expect(parseClassChoice('2,0', names)).to.deep.equal({ kind: 'fixed', classes: [2, 0] });
  });

  it('reads names first, so classes named by numbers are read by name', () => {
    expect(parseClassChoice('1', ['0', '2', '1'])).to.deep.equal({ kind: 'fixed', classes: [2] });
  });

  it('names the class the model lacks and lists its classes', () => {
    expect(() => parseClassChoice('Dog,Bag', names)).to.throw(
      UserError,
      "--classes: the model has no class 'Dog'; its classes: Trouser, Bag, Sneaker",
    );
    const many = Array.from({ length: 40 }, (_, i) => `c${i}`);
    expect(listClassNames(many)).to.match(/^c0, c1, .*, c29, … \(40 in all\)$/);
  });

  it('rejects a K or an index out of range, and empty or repeated entries', () => {
    expect(() => parseClassChoice('top-4', names)).to.throw(
      UserError,
      "--classes top-4 asks for more classes than the model's 3",
    );
    expect(() => parseClassChoice('top-0', names)).to.throw(
      UserError,
      "--classes top-K must be an integer >= 1, got '0'",
    );
    expect(() => parseClassChoice('0,3', names)).to.throw(
      UserError,
      '--classes: class index 3 is out of range: the model has 3 classes, 0..2',
    );
    expect(() => parseClassChoice('Bag,,Trouser', names)).to.throw(UserError, 'no empty entries');
    expect(() => parseClassChoice('Bag,Bag', names)).to.throw(UserError, "got 'Bag' twice");
  });

  it('chooses the K most probable classes, ties to the lower index, or the fixed ones', () => {
    expect(chooseClasses({ kind: 'top', k: 2 }, [0.2, 0.4, 0.4])).to.deep.equal([1, 2]);
    expect(chooseClasses({ kind: 'fixed', classes: [0] }, [0.2, 0.4, 0.4])).to.deep.equal([0]);
  });
});
