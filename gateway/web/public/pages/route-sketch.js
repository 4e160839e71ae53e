/** Draws the plan's routes on a canvas: stops at their plan coordinates, scaled to fit, one colour per truck. */

export const ROUTE_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf'];

const MARGIN_PX = 32;
const STOP_COLOURS = { depot: '#222', pickup: '#2ca02c', delivery: '#ff7f0e' };

function bounds(routes) {
  const stops = routes.flatMap((route) => route.stops);
  const xs = stops.map((stop) => stop.x);
  const ys = stops.map((stop) => stop.y);
  return { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
}

/** Draws on `canvas` at its CSS size times the device pixel ratio, so lines stay sharp on phones. */
export function drawRoutes(canvas, routes) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  ctx.clearRect(0, 0, width, height);
  if (routes.length === 0) return;

  const box = bounds(routes);
  // One scale for both axes keeps distances true to the plan's coordinates.
  const scale = Math.min(
    (width - 2 * MARGIN_PX) / Math.max(box.maxX - box.minX, 1e-9),
    (height - 2 * MARGIN_PX) / Math.max(box.maxY - box.minY, 1e-9),
  );
  // Centre the drawing in the spare room along the axis that does not fill the canvas.
  const offsetX = (width - 2 * MARGIN_PX - (box.maxX - box.minX) * scale) / 2;
  const offsetY = (height - 2 * MARGIN_PX - (box.maxY - box.minY) * scale) / 2;
  const toX = (x) => MARGIN_PX + offsetX + (x - box.minX) * scale;
  const toY = (y) => height - MARGIN_PX - offsetY - (y - box.minY) * scale;

  routes.forEach((route, i) => {
    ctx.strokeStyle = ROUTE_COLOURS[i % ROUTE_COLOURS.length];
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    const [first, ...rest] = route.stops;
    ctx.moveTo(toX(first.x), toY(first.y));
    for (const stop of rest) ctx.lineTo(toX(stop.x), toY(stop.y));
    ctx.stroke();
  });

  const labelled = new Set();
  ctx.font = '12px system-ui, sans-serif';
  for (const stop of routes.flatMap((route) => route.stops)) {
    const x = toX(stop.x);
    const y = toY(stop.y);
    ctx.fillStyle = STOP_COLOURS[stop.kind];
    ctx.beginPath();
    if (stop.kind === 'depot') ctx.rect(x - 6, y - 6, 12, 12);
    else ctx.arc(x, y, 5, 0, 2 * Math.PI);
    ctx.fill();
    if (!labelled.has(stop.site_id)) {
      labelled.add(stop.site_id);
      ctx.fillStyle = '#333';
      // Labels that would run past the right edge are drawn to the left of their stop.
      const fits = x + 8 + ctx.measureText(stop.name).width <= width;
      ctx.textAlign = fits ? 'left' : 'right';
      ctx.fillText(stop.name, fits ? x + 8 : x - 8, y - 8);
    }
  }
}
