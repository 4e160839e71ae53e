/** Road distances estimated from coordinates: great-circle (haversine) distance times a detour factor. */

/** Mean Earth radius, km (IUGG). */
const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance between two WGS 84 points, km. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLon = (lon2 - lon1) * toRad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Row-major matrix of road-distance estimates between the points, km. */
export function roadDistanceMatrix(points: { lat: number; lon: number }[], roadFactor: number): Float64Array {
  const n = points.length;
  const matrix = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = points[i]!;
      const b = points[j]!;
      const km = haversineKm(a.lat, a.lon, b.lat, b.lon) * roadFactor;
      matrix[i * n + j] = km;
      matrix[j * n + i] = km;
    }
  }
  return matrix;
}
