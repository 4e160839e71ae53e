/**
 * PDF form of a report (pdfkit 0.20). The built-in Helvetica covers only the WinAnsi characters, so pass
 * `font_path` (a TrueType file) when operators write comments in other scripts, such as Chinese.
 * The first page carries the summary, the chart and the SHA-256 of the data section of the CSV form.
 * The sections after it list excursions, alarms, gaps, corrections and calibrations.
 */
import PDFDocument from 'pdfkit';
import { type Alarm, describeActor } from '../alarms/alarm.js';
import { drawTemperatureChart, type PdfDoc } from './report-chart.js';
import type { ReportData } from './report-data.js';
import { formatCelsius, formatDuration, formatUtc } from './report-format.js';

const MARGIN = 40;

/** Font names registered in the document. */
interface Fonts {
  regular: string;
  bold: string;
}

export interface PdfOptions {
  /** TrueType font used for all text instead of Helvetica. */
  font_path?: string;
}

function heading(doc: PdfDoc, fonts: Fonts, text: string): void {
  doc.moveDown(0.6).font(fonts.bold).fontSize(11).text(text).font(fonts.regular).fontSize(9);
}

function line(doc: PdfDoc, text: string): void {
  doc.text(text, { width: doc.page.width - 2 * MARGIN });
}

function rangeText(data: ReportData): string {
  const low = data.low_c === null ? 'no lower limit' : formatCelsius(data.low_c);
  const high = data.high_c === null ? 'no upper limit' : formatCelsius(data.high_c);
  return `${low} to ${high}`;
}

function summary(doc: PdfDoc, fonts: Fonts, data: ReportData): void {
  doc.font(fonts.bold).fontSize(15).text(data.title).font(fonts.regular).fontSize(9);
  line(doc, `Asset: ${data.asset} (${data.kind}, class ${data.class}, storage range ${rangeText(data)})`);
  line(doc, `Field: ${data.field}; devices: ${data.devices.join(', ') || 'none'}`);
  line(
    doc,
    `Window: ${formatUtc(data.from_ms)} to ${formatUtc(data.to_ms)} UTC; generated ${formatUtc(data.generated_ms)} UTC`,
  );
  if (data.statistics_to_ms < data.to_ms) {
    line(
      doc,
      `The window ends after the report was generated: the figures cover it up to ${formatUtc(data.statistics_to_ms)} UTC.`,
    );
  }
  heading(doc, fonts, 'Summary');
  line(doc, `Readings: ${data.readings.length}`);
  line(doc, `Minimum: ${formatCelsius(data.min_c)}`);
  line(doc, `Maximum: ${formatCelsius(data.max_c)}`);
  line(doc, `Mean (time-weighted): ${formatCelsius(data.mean_c)}`);
  const completeness = data.mkt_complete ? 'complete' : 'INCOMPLETE: data gaps in the window';
  line(doc, `MKT: ${formatCelsius(data.mkt_c)} (dH/R ${data.delta_h_over_r_k} K, ${completeness})`);
  line(doc, `Time covered by readings: ${formatDuration(data.covered_ms)}`);
  line(doc, `Time out of storage range: ${formatDuration(data.out_of_range_ms.range)}`);
  line(
    doc,
    `Time beyond thresholds: warning ${formatDuration(data.out_of_range_ms.warning)}; ` +
      `alarm ${formatDuration(data.out_of_range_ms.alarm)}; critical ${formatDuration(data.out_of_range_ms.critical)}`,
  );
}

function alarmLines(doc: PdfDoc, alarm: Alarm): void {
  const cleared = alarm.cleared_ms === undefined ? 'still active' : `cleared ${formatUtc(alarm.cleared_ms)}`;
  line(
    doc,
    `${alarm.level.toUpperCase()} ${alarm.rule}: raised ${formatUtc(alarm.raised_ms)}, ${cleared}. ${alarm.message}`,
  );
  const ack = alarm.acknowledgement;
  line(
    doc,
    ack
      ? `   Acknowledged by ${describeActor(ack)} at ${formatUtc(ack.time_ms)}: ${ack.comment}`
      : '   Not acknowledged',
  );
  for (const comment of alarm.comments)
    line(doc, `   Comment by ${describeActor(comment)} at ${formatUtc(comment.time_ms)}: ${comment.comment}`);
  const closure = alarm.closure;
  line(
    doc,
    closure
      ? `   Closed by ${describeActor(closure)} at ${formatUtc(closure.time_ms)}. Corrective action: ${closure.corrective_action}`
      : '   Not closed: no corrective action recorded',
  );
}

function details(doc: PdfDoc, fonts: Fonts, data: ReportData): void {
  heading(doc, fonts, `Excursions outside the storage range (${data.excursions.length})`);
  data.excursions.forEach((excursion, index) => {
    line(
      doc,
      `${index + 1}. ${excursion.direction}: ${formatUtc(excursion.start_ms)} to ${formatUtc(excursion.end_ms)}, ` +
        `peak ${formatCelsius(excursion.peak_c)}, duration ${formatDuration(excursion.duration_ms)}`,
    );
  });
  heading(doc, fonts, `Alarms (${data.alarms.length})`);
  for (const alarm of data.alarms) alarmLines(doc, alarm);
  heading(doc, fonts, `Data gaps (${data.gaps.length})`);
  for (const gap of data.gaps) {
    line(doc, `${formatUtc(gap.start_ms)} to ${formatUtc(gap.end_ms)} (${formatDuration(gap.end_ms - gap.start_ms)})`);
  }
  heading(doc, fonts, `Corrections (${data.corrections.length})`);
  for (const entry of data.corrections) {
    const payload = entry.payload as { corrects_seq: number; value_c: number | null; reason: string };
    const value = payload.value_c === null ? 'withdrawn' : formatCelsius(payload.value_c);
    line(
      doc,
      `Record ${payload.corrects_seq}: ${value} by ${entry.actor} at ${formatUtc(entry.time_ms)}: ${payload.reason}`,
    );
  }
  heading(doc, fonts, 'Calibration');
  for (const probe of data.calibrations) {
    line(
      doc,
      `${probe.probe}: ${probe.status}` +
        (probe.certificate
          ? `, certificate ${probe.certificate}, due ${probe.due_on}, offset ${probe.offset_c} K`
          : ''),
    );
  }
}

/** Renders the report as a PDF and returns its bytes. */
export function renderReportPdf(data: ReportData, options: PdfOptions = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: data.title,
      Subject: `data_sha256 ${data.data_sha256}`,
      Creator: 'coldpool',
      CreationDate: new Date(data.generated_ms),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  let fonts: Fonts = { regular: 'Helvetica', bold: 'Helvetica-Bold' };
  if (options.font_path) {
    doc.registerFont('body', options.font_path);
    fonts = { regular: 'body', bold: 'body' };
  }
  summary(doc, fonts, data);
  const box = { x: MARGIN + 26, y: doc.y + 12, width: doc.page.width - 2 * MARGIN - 26, height: 210 };
  drawTemperatureChart(doc, data, box);
  doc.x = MARGIN;
  doc.y = box.y + box.height + 30;
  line(doc, `Data SHA-256: ${data.data_sha256}`);
  line(doc, 'This is the SHA-256 of the data rows of the CSV report for the same asset and window.');
  details(doc, fonts, data);
  doc.end();
  return done;
}
