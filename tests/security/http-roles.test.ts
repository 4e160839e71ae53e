import { describe, expect, it } from 'vitest';
import { API_ROUTE_ROLES, requiredRole } from '../../gateway/security/http-roles.js';

describe('requiredRole', () => {
  it('lets an operator report a delivery', () => {
    expect(requiredRole('POST', '/api/v1/orders/:id/delivered', API_ROUTE_ROLES)).toBe('operator');
  });

  it('lets an operator acknowledge an alarm', () => {
    expect(requiredRole('POST', '/api/v1/alarms/:id/acknowledge', API_ROUTE_ROLES)).toBe('operator');
  });

  it('lets an operator comment on an alarm', () => {
    expect(requiredRole('POST', '/api/v1/alarms/:id/comment', API_ROUTE_ROLES)).toBe('operator');
  });

  it('lets a viewer read', () => {
    expect(requiredRole('GET', '/api/v1/orders', API_ROUTE_ROLES)).toBe('viewer');
  });

  it('needs admin for an unlisted write', () => {
    expect(requiredRole('POST', '/api/v1/unlisted', API_ROUTE_ROLES)).toBe('admin');
  });
});
