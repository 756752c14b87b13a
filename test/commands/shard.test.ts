import { expect } from 'chai';
import { Command } from 'commander';
import {
  addShardFlags,
  parseShard,
  parseUnitCount,
  shardItems,
  ShardFlags,
} from '../../lib/commands/shard';

describe('shards of a command (lib/commands/shard.ts)', () => {
  it('split a list into shards that together hold every item exactly once', () => {
    const items = Array.from({ length: 11 }, (_, i) => i);
    const shards = [0, 1, 2].map((index) => shardItems(items, { index, count: 3 }));
    expect(shards[0]).to.deep.equal([0, 3, 6, 9]);
    expect(shards.flat().sort((a, b) => a - b)).to.deep.equal(items);
    expect(shardItems(items, parseShard('0/1'))).to.deep.equal(items);
    // More shards than items: the extra shards are empty.
    expect(shardItems([7], { index: 2, count: 3 })).to.deep.equal([]);
  });

  it('read --shard i/n (0-based) and name a bad one', () => {
    expect(parseShard('2/4')).to.deep.equal({ index: 2, count: 4 });
    for (const bad of ['4/4', '1', 'a/b', '0/0', '-1/3'])
      expect(() => parseShard(bad)).to.throw(/--shard must look like i\/n with 0 <= i < n/);
  });

  it('add --shard (default the whole list) and --count-units to a command', () => {
    const parse = (args: string[]) =>
      addShardFlags(new Command().exitOverride(), 'settings')
        .parse(args, { from: 'user' })
        .opts<ShardFlags>();
    expect(parse([])).to.deep.equal({ shard: '0/1' });
    expect(parse(['--shard', '1/3', '--count-units'])).to.deep.equal({
      shard: '1/3',
      countUnits: true,
    });
  });

  it("read the unit count from a command's last output line, and name output without one", () => {
    expect(parseUnitCount('engine wasm\n{"units":12,"results":"/r/out"}\n')).to.deep.equal({
      units: 12,
      results: '/r/out',
    });
    for (const bad of [
      '',
      'units: 3',
      '{"units":-1,"results":"/r"}',
      '{"units":1.5,"results":"/r"}',
      '{"units":2}',
      '{"units":2,"results":"relative/dir"}',
    ])
      expect(() => parseUnitCount(bad)).to.throw(/--count-units printed no unit count/);
  });
});
