import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lineChartFigure } from '../../lib/plot/line-chart';
import { figureHtml, resetNotebookPlotly, showFigure } from '../../lib/plot/notebook-display';
import {
  PLOTLY_PACKAGE,
  plotlyBundlePath,
  plotlyBundleSource,
  plotlyScriptTag,
  plotlyVersion,
} from '../../lib/plot/plotly-bundle';
import { chromiumMissingMessage, findChromium, PngExporter } from '../../lib/plot/png-export';

const figure = lineChartFigure([{ name: 'loss', y: [2, 1] }], { width: 300, height: 200 });

describe('plot/plotly-bundle', () => {
  it('finds plotly.js-dist-min in node_modules and inlines it', () => {
    expect(plotlyBundlePath()).to.match(
      new RegExp(`node_modules/${PLOTLY_PACKAGE}/plotly\\.min\\.js$`),
    );
    expect(plotlyBundleSource()).to.include(`plotly.js v${plotlyVersion()}`);
    expect(plotlyBundleSource().length).to.be.greaterThan(1e6);
    const tag = plotlyScriptTag();
    expect(tag.startsWith('<script type="text/javascript">')).to.equal(true);
    expect(tag.endsWith('</script>')).to.equal(true);
    expect(tag.slice(0, -'</script>'.length)).not.to.match(/<\/script/i);
  });
});

describe('plot/notebook-display', () => {
  beforeEach(resetNotebookPlotly);

  it('sends the bundle with the first figure only', () => {
    const sent: string[] = [];
    const display = { html: (s: string) => sent.push(s) };
    showFigure(figure, { display });
    showFigure(figure, { display });
    expect(sent).to.have.length(2);
    expect(sent[0].length).to.be.greaterThan(1e6);
    expect(sent[0]).to.include(`plotly.js v${plotlyVersion()}`);
    expect(sent[1].length).to.be.lessThan(2000);
    expect(sent[1]).not.to.include('plotly.js v');
    const ids = sent.map((s) => /<div id="([^"]+)"/.exec(s)![1]);
    expect(ids[0]).not.to.equal(ids[1]);
    resetNotebookPlotly();
    showFigure(figure, { display });
    expect(sent[2].length).to.be.greaterThan(1e6);
  });

  it('embeds the figure JSON safely inside the script', () => {
    const html = figureHtml(lineChartFigure([{ name: '</script><b>', y: [1] }]), 'fig-1');
    expect(html).to.include('<div id="fig-1"');
    expect(html.match(/<\/script>/g)).to.have.length(1);
    expect(html).to.include('<\\/script><b>');
  });
});

describe('plot/png-export', function () {
  this.timeout(60000);

  it('names the Debian package when chromium is missing', async () => {
    expect(chromiumMissingMessage('/nowhere/chromium')).to.match(
      /Debian package 'chromium'.*apt-get install -y chromium/,
    );
    let error: Error | undefined;
    await PngExporter.launch({ chromiumPath: '/nowhere/chromium' }).catch(
      (e: Error) => (error = e),
    );
    expect(error?.message).to.match(/\/nowhere\/chromium.*apt-get install -y chromium/);
  });

  it('writes a PNG of the figure size times the scale', async function () {
    if (!findChromium()) {
      console.log(
        `      skipped: ${chromiumMissingMessage(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')}`,
      );
      this.skip();
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'png-export-'));
    const exporter = await PngExporter.launch({ scale: 2 });
    try {
      const file = path.join(dir, 'sub', 'loss.png');
      await exporter.write(figure, file);
      const png = fs.readFileSync(file);
      expect(png.subarray(1, 4).toString('ascii')).to.equal('PNG');
      // IHDR: width and height, big-endian, at bytes 16 and 20
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).to.deep.equal([600, 400]);
      expect(png.length).to.be.greaterThan(1000);
    } finally {
      await exporter.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
