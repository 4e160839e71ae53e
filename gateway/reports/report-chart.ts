/**
 * Temperature chart of a report, drawn with pdfkit vector paths: defrost and door periods shaded, the
 * storage range as dashed lines, and the readings as a step curve that breaks at data gaps.
 */
import type PDFDocument from 'pdfkit';
import type { ReportData } from './report-data.js';
import { formatUtc } from './report-format.js';
import { toStepSeries } from './step-series.js';

/** A pdfkit document. */
export type PdfDoc = InstanceType<typeof PDFDocument>;

export interface ChartBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

const DEFROST_COLOUR = '#cfe3ff';
const DOOR_COLOUR = '#ffe2c2';
const LIMIT_COLOUR = '#c62828';
const CURVE_COLOUR = '#1a237e';

function valueRange(data: ReportData): [number, number] {
  const candidates = [...data.readings.map((point) => point.value)];
  if (data.low_c !== null) candidates.push(data.low_c);
  if (data.high_c !== null) candidates.push(data.high_c);
  if (candidates.length === 0) return [0, 1];
  const low = Math.floor(Math.min(...candidates) - 1);
  const high = Math.ceil(Math.max(...candidates) + 1);
  return [low, high];
}

function shade(
  doc: PdfDoc,
  periods: ReportData['door_periods'],
  colour: string,
  toX: (t: number) => number,
  box: ChartBox,
) {
  for (const period of periods) {
    const left = toX(Math.max(period.start_ms, 0));
    const right = toX(period.end_ms);
    if (right > left) doc.rect(left, box.y, right - left, box.height).fill(colour);
  }
}

/**
 * Returns the time span of the chart: the report window up to `statistics_to_ms`, where the figures end
 * when the window reaches past the time the report was generated. A window wholly after that time keeps
 * its own span, which then has nothing to draw.
 */
export function chartSpan(data: Pick<ReportData, 'from_ms' | 'to_ms' | 'statistics_to_ms'>): [number, number] {
  const end = data.statistics_to_ms > data.from_ms ? data.statistics_to_ms : data.to_ms;
  return [data.from_ms, end];
}

function drawAxes(doc: PdfDoc, data: ReportData, box: ChartBox, low: number, high: number, toY: (v: number) => number) {
  doc.lineWidth(0.5).strokeColor('#000000').rect(box.x, box.y, box.width, box.height).stroke();
  doc.fontSize(7).fillColor('#000000');
  const step = Math.max(1, Math.ceil((high - low) / 6));
  for (let value = low; value <= high; value += step) {
    doc.text(`${value}`, box.x - 24, toY(value) - 3, { width: 20, align: 'right', lineBreak: false });
  }
  doc.text(formatUtc(data.from_ms), box.x, box.y + box.height + 3, { lineBreak: false });
  doc.text(formatUtc(chartSpan(data)[1]), box.x + box.width - 80, box.y + box.height + 3, {
    width: 80,
    align: 'right',
    lineBreak: false,
  });
}

function drawLimits(doc: PdfDoc, data: ReportData, box: ChartBox, toY: (v: number) => number) {
  doc.lineWidth(0.8).strokeColor(LIMIT_COLOUR).dash(4, { space: 3 });
  for (const limit of [data.low_c, data.high_c]) {
    if (limit === null) continue;
    doc
      .moveTo(box.x, toY(limit))
      .lineTo(box.x + box.width, toY(limit))
      .stroke();
  }
  doc.undash();
}

function drawCurve(doc: PdfDoc, data: ReportData, toX: (t: number) => number, toY: (v: number) => number) {
  const series = toStepSeries(data.readings, { from_ms: data.from_ms, to_ms: data.statistics_to_ms });
  doc.lineWidth(0.8).strokeColor(CURVE_COLOUR);
  let penEnd: number | null = null;
  for (const segment of series.segments) {
    if (penEnd !== segment.start_ms) {
      if (penEnd !== null) doc.stroke();
      doc.moveTo(toX(segment.start_ms), toY(segment.value));
    } else {
      doc.lineTo(toX(segment.start_ms), toY(segment.value));
    }
    doc.lineTo(toX(segment.end_ms), toY(segment.value));
    penEnd = segment.end_ms;
  }
  if (penEnd !== null) doc.stroke();
}

function drawLegend(doc: PdfDoc, box: ChartBox) {
  const y = box.y + box.height + 14;
  doc.fontSize(7);
  doc.rect(box.x, y, 8, 6).fill(DEFROST_COLOUR);
  doc.fillColor('#000000').text('defrost', box.x + 11, y, { lineBreak: false });
  doc.rect(box.x + 50, y, 8, 6).fill(DOOR_COLOUR);
  doc.fillColor('#000000').text('door open', box.x + 61, y, { lineBreak: false });
  doc.lineWidth(0.8).strokeColor(LIMIT_COLOUR).dash(4, { space: 3 });
  doc
    .moveTo(box.x + 110, y + 3)
    .lineTo(box.x + 125, y + 3)
    .stroke();
  doc.undash();
  doc.fillColor('#000000').text('storage range', box.x + 128, y, { lineBreak: false });
}

/** Draws the chart into `box` on the current page. */
export function drawTemperatureChart(doc: PdfDoc, data: ReportData, box: ChartBox): void {
  const [low, high] = valueRange(data);
  const [start_ms, end_ms] = chartSpan(data);
  const span_ms = end_ms - start_ms;
  const toX = (time_ms: number) =>
    box.x + ((Math.min(Math.max(time_ms, start_ms), end_ms) - start_ms) / span_ms) * box.width;
  const toY = (value: number) => box.y + box.height - ((value - low) / (high - low)) * box.height;
  doc.save();
  shade(doc, data.defrost_periods, DEFROST_COLOUR, toX, box);
  shade(doc, data.door_periods, DOOR_COLOUR, toX, box);
  drawLimits(doc, data, box, toY);
  drawCurve(doc, data, toX, toY);
  drawAxes(doc, data, box, low, high, toY);
  drawLegend(doc, box);
  doc.restore();
}
