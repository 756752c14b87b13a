import { expect } from 'chai';
import { imageGridFigure, wrapTitle, MASK_COLOR_SCALE } from '../../lib/plot/image-grid';
import { batchRasters, rgbRows, valueRows } from '../../lib/plot/raster';
import type { HeatmapTrace, ImageTrace } from '../../lib/plot/types';

describe('plot/raster', () => {
  it('splits a batch buffer into images', () => {
    const rasters = batchRasters([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
    expect(rasters.map((r) => Array.from(r.data))).to.deep.equal([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    expect(rasters[1]).to.include({ height: 2, width: 2, channels: 1 });
  });

  it('rejects a buffer of the wrong length, naming the shape', () => {
    expect(() => batchRasters([1, 2, 3], [1, 2, 2, 1])).to.throw(/\[1, 2, 2, 1\]/);
  });

  it('turns RGB and grey pixels into 0..255 triples, clipped', () => {
    expect(
      rgbRows({ data: [0, 0.5, 1, 2, -1, 0.2], height: 1, width: 2, channels: 3 }),
    ).to.deep.equal([
      [
        [0, 128, 255],
        [255, 0, 51],
      ],
    ]);
    expect(rgbRows({ data: [0.5, 1], height: 2, width: 1, channels: 1 })).to.deep.equal([
      [[128, 128, 128]],
      [[255, 255, 255]],
    ]);
  });

  it('rounds mask values', () => {
    expect(
      valueRows({ data: [0.12345, 1, 0, 0.5], height: 2, width: 2, channels: 1 }, 2),
    ).to.deep.equal([
      [0.12, 1],
      [0, 0.5],
    ]);
  });
});

describe('plot/imageGridFigure', () => {
  const image = { data: new Array(2 * 4 * 3).fill(0.5), height: 2, width: 4, channels: 3 };
  const mask = { data: [0, 1], height: 1, width: 2, channels: 1 };

  it('draws image, stretched mask, boxes and title on one panel', () => {
    const fig = imageGridFigure(
      [
        {
          title: 'coat',
          image,
          mask,
          boxes: [
            { box: { x0: 1, y0: 0, x1: 3, y1: 2 }, role: 'true' },
            { box: { x0: 0, y0: 0, x1: 1, y1: 1 }, role: 'predicted' },
          ],
        },
      ],
      {
        panelSize: 100,
        gap: 10,
        titleHeight: 20,
      },
    );
    expect(fig.data.map((t) => t.type)).to.deep.equal(['image', 'heatmap']);
    const img = fig.data[0] as ImageTrace;
    expect(img.z).to.have.length(2);
    expect(img.z[0][0]).to.deep.equal([128, 128, 128]);
    expect(img).to.include({ xaxis: 'x', yaxis: 'y' });
    // a 1×2 mask over a 2×4 image: cells 2 px wide and 2 px tall, centres at x = 0.5, 2.5 and y = 0.5
    const heat = fig.data[1] as HeatmapTrace;
    expect(heat).to.include({
      x0: 0.5,
      dx: 2,
      y0: 0.5,
      dy: 2,
      zmin: 0,
      zmax: 1,
      opacity: 1,
      showscale: true,
    });
    expect(heat.z).to.deep.equal([[0, 1]]);
    expect(heat.colorscale).to.equal(MASK_COLOR_SCALE);
    // boxes on pixel edges: [x0 − ½, x1 − ½]
    expect(fig.layout.shapes).to.have.length(2);
    expect(fig.layout.shapes![0]).to.include({
      xref: 'x',
      yref: 'y',
      x0: 0.5,
      y0: -0.5,
      x1: 2.5,
      y1: 1.5,
    });
    expect(fig.layout.shapes![0].line).to.deep.equal({ color: '#00e676', width: 2, dash: 'solid' });
    expect(fig.layout.shapes![1].line.dash).to.equal('dash');
    // one panel: the plot area is 100 × 120 (panel + title), the image fills its lower 100 px
    expect(fig.layout.xaxis).to.deep.include({
      domain: [0, 1],
      range: [-0.5, 3.5],
      anchor: 'y',
      visible: false,
    });
    expect(fig.layout.yaxis).to.deep.include({
      domain: [0, 100 / 120],
      range: [1.5, -0.5],
      anchor: 'x',
    });
    expect(fig.layout.annotations).to.have.length(1);
    expect(fig.layout.annotations![0]).to.include({ text: 'coat', x: 0.5, y: 100 / 120 });
    expect(fig.layout).to.include({ width: 100 + 10 + 70, height: 120 + 40 + 10 });
  });

  it('lays panels out row by row with numbered axes and one colour bar', () => {
    const fig = imageGridFigure([{ mask }, { mask }, { mask }], {
      columns: 2,
      panelSize: 90,
      gap: 10,
      titleHeight: 0,
    });
    expect(fig.data.map((t) => [t.xaxis, t.yaxis])).to.deep.equal([
      ['x', 'y'],
      ['x2', 'y2'],
      ['x3', 'y3'],
    ]);
    expect(fig.data.map((t) => (t as HeatmapTrace).showscale)).to.deep.equal([true, false, false]);
    // plot area 190 × 190: columns at [0, 90] and [100, 190], rows likewise (row 0 on top)
    const near = (actual: [number, number] | undefined, expected: [number, number]) =>
      actual!.forEach((v, i) => expect(v).to.be.closeTo(expected[i], 1e-12));
    near(fig.layout.xaxis2!.domain, [100 / 190, 1]);
    near(fig.layout.yaxis!.domain, [100 / 190, 1]);
    near(fig.layout.yaxis3!.domain, [0, 90 / 190]);
    // a mask alone: its own pixels, opaque
    expect(fig.data[0]).to.include({ x0: 0, dx: 1, opacity: 1 });
  });

  it('rejects an empty panel and a multi-channel mask', () => {
    expect(() => imageGridFigure([{ title: 'nothing' }])).to.throw(/panel 0 has neither/);
    expect(() => imageGridFigure([{ image, mask: image }])).to.throw(/1 channel, got 3/);
  });

  it('wraps a title wider than its panel and makes room for its lines', () => {
    expect(wrapTitle('Ankle boot → Ankle boot (0.99)', 100)).to.deep.equal([
      'Ankle boot →',
      'Ankle boot',
      '(0.99)',
    ]);
    const fig = imageGridFigure([{ mask, title: 'Ankle boot → Ankle boot (0.99)' }], {
      panelSize: 100,
      titleHeight: 20,
    });
    expect(fig.layout.annotations![0].text).to.equal('Ankle boot →<br>Ankle boot<br>(0.99)');
    expect(fig.layout.yaxis!.domain![1]).to.be.closeTo(100 / 150, 1e-12);
  });
});
