import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { removeSharedMarker, writeSharedMarker } from '../../lib/cluster/shared-marker';

describe('shared-folder marker (lib/cluster/shared-marker.ts)', () => {
  it('write a marker with a fresh token, and remove it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-marker-'));
    try {
      const a = writeSharedMarker(path.join(dir, 'made'));
      const b = writeSharedMarker(path.join(dir, 'made'));
      expect(a.token).not.to.equal(b.token);
      expect(fs.readFileSync(a.file, 'utf8')).to.equal(`${a.token}\n`);
      removeSharedMarker(a);
      removeSharedMarker(a);
      expect(fs.existsSync(a.file)).to.equal(false);
      expect(fs.existsSync(b.file)).to.equal(true);
    } finally {
      fs.rmSync(dir, { recursive: true });
    }
  });
});
