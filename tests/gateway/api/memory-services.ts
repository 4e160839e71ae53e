/**
 * In-process implementations of the service interfaces the API serves, used by the API and browser
 * tests in place of the alarm engine, the scheduler and the report writer.
 */
import PDFDocument from 'pdfkit';
import { ServiceRejection } from '../../../gateway/api/errors.js';
import type {
  Alarm,
  AlarmFilter,
  AlarmService,
  CapacityOffer,
  CapacityService,
  OperatorActor,
  Order,
  OrderInput,
  Plan,
  PlanService,
  RenderedReport,
  ReportInfo,
  ReportService,
} from '../../../gateway/api/services.js';

export class MemoryAlarms implements AlarmService {
  private readonly alarms = new Map<string, Alarm>();
  private readonly listeners = new Set<(alarm: Alarm) => void>();

  raise(alarm: Omit<Alarm, 'state' | 'history' | 'condition_active'>): Alarm {
    const stored: Alarm = {
      ...alarm,
      state: 'active',
      condition_active: true,
      history: [{ time_ms: alarm.raised_ms, action: 'raised' }],
    };
    this.alarms.set(stored.id, stored);
    this.notify(stored);
    return stored;
  }

  list(filter: AlarmFilter): Alarm[] {
    return [...this.alarms.values()].filter(
      (alarm) =>
        (filter.state === undefined || alarm.state === filter.state) &&
        (filter.asset === undefined || alarm.asset === filter.asset),
    );
  }

  get(id: string): Alarm | undefined {
    return this.alarms.get(id);
  }

  acknowledge(id: string, actor: OperatorActor, comment: string): Alarm {
    const alarm = this.find(id);
    if (alarm.state !== 'active')
      throw new ServiceRejection('conflict', `alarm ${id} is ${alarm.state}; only an active alarm can be acknowledged`);
    alarm.state = 'acknowledged';
    alarm.history.push({ time_ms: Date.now(), action: 'acknowledged', ...actor, comment });
    this.notify(alarm);
    return alarm;
  }

  comment(id: string, actor: OperatorActor, comment: string): Alarm {
    const alarm = this.find(id);
    alarm.history.push({ time_ms: Date.now(), action: 'commented', ...actor, comment });
    this.notify(alarm);
    return alarm;
  }

  close(id: string, actor: OperatorActor, corrective_action: string): Alarm {
    const alarm = this.find(id);
    if (alarm.state === 'closed') throw new ServiceRejection('conflict', `alarm ${id} is already closed`);
    alarm.state = 'closed';
    alarm.history.push({ time_ms: Date.now(), action: 'closed', ...actor, comment: corrective_action });
    this.notify(alarm);
    return alarm;
  }

  subscribe(listener: (alarm: Alarm) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private find(id: string): Alarm {
    const alarm = this.alarms.get(id);
    if (!alarm) throw new ServiceRejection('not_found', `alarm ${id} does not exist`);
    return alarm;
  }

  private notify(alarm: Alarm): void {
    for (const listener of this.listeners) listener(alarm);
  }
}

const SITES = new Set(['merchant-a', 'merchant-b', 'station-1', 'station-2', 'cold-room-1']);

export class MemoryCapacity implements CapacityService {
  private readonly stored: Order[] = [];

  constructor(private readonly available: CapacityOffer[]) {}

  offers(): CapacityOffer[] {
    return this.available;
  }

  orders(): Order[] {
    return this.stored;
  }

  submit(order: OrderInput): Order {
    for (const site of [order.pickup_site_id, order.delivery_site_id]) {
      if (!SITES.has(site))
        throw new ServiceRejection('invalid', `site ${site} is unknown; known sites: ${[...SITES].join(', ')}`);
    }
    const created: Order = {
      ...order,
      id: `order-${this.stored.length + 1}`,
      submitted_ms: Date.now(),
      status: 'open',
    };
    this.stored.push(created);
    return created;
  }

  markDelivered(id: string, actor: OperatorActor): Order {
    const index = this.stored.findIndex((order) => order.id === id);
    const order = this.stored[index];
    if (order === undefined) throw new ServiceRejection('not_found', `order ${id} not found`);
    if (order.status === 'delivered') return order;
    const delivered: Order = {
      ...order,
      status: 'delivered',
      delivered_ms: Date.now(),
      delivered_by: actor.who,
      ...(actor.on_behalf_of !== undefined ? { delivered_on_behalf_of: actor.on_behalf_of } : {}),
    };
    this.stored[index] = delivered;
    return delivered;
  }
}

/** Plans looked up by scenario name; `run` stores a copy under a new id and notifies subscribers. */
export class MemoryPlans implements PlanService {
  private readonly plans: Plan[] = [];
  private readonly listeners = new Set<(plan: Plan) => void>();

  constructor(private readonly scenarios: Record<string, Omit<Plan, 'id' | 'created_ms' | 'scenario'>>) {}

  latest(): Plan | undefined {
    return this.plans[this.plans.length - 1];
  }

  get(id: string): Plan | undefined {
    return this.plans.find((plan) => plan.id === id);
  }

  list() {
    return this.plans.map(({ id, scenario, created_ms }) => ({ id, scenario, created_ms }));
  }

  run(scenario: string): Plan {
    const template = this.scenarios[scenario];
    if (!template)
      throw new ServiceRejection(
        'invalid',
        `scenario ${scenario} is unknown; known: ${Object.keys(this.scenarios).join(', ')}`,
      );
    const plan: Plan = {
      ...structuredClone(template),
      id: `plan-${this.plans.length + 1}`,
      scenario,
      created_ms: Date.now(),
    };
    this.plans.push(plan);
    for (const listener of this.listeners) listener(plan);
    return plan;
  }

  subscribe(listener: (plan: Plan) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function pdfOf(title: string, lines: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const document = new PDFDocument({ size: 'A4' });
    const chunks: Buffer[] = [];
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
    document.fontSize(16).text(title);
    for (const line of lines) document.fontSize(10).text(line);
    document.end();
  });
}

/** Reports of the alarm list: CSV rows and a one-page PDF of the same rows. */
export class AlarmReports implements ReportService {
  constructor(private readonly alarms: MemoryAlarms) {}

  list(): ReportInfo[] {
    return [{ id: 'alarms', title: 'Alarm log', created_ms: Date.now(), formats: ['pdf', 'csv'] }];
  }

  async render(id: string, format: 'pdf' | 'csv'): Promise<RenderedReport | undefined> {
    if (id !== 'alarms') return undefined;
    const rows = this.alarms.list({}).map((alarm) => [alarm.id, alarm.asset, alarm.level, alarm.state, alarm.message]);
    if (format === 'csv') {
      const body = [
        'id,asset,level,state,message',
        ...rows.map((row) => row.map((cell) => `"${cell.replace(/"/g, '""')}"`).join(',')),
      ].join('\n');
      return { filename: 'alarms.csv', body: `${body}\n` };
    }
    return {
      filename: 'alarms.pdf',
      body: await pdfOf(
        'Alarm log',
        rows.map((row) => row.join('  ')),
      ),
    };
  }
}

/** A two-truck night plan with one unserved order, for the scheduler page and the plan routes. */
export const NIGHT_SCENARIO: Omit<Plan, 'id' | 'created_ms' | 'scenario'> = {
  routes: [
    {
      truck_id: 'truck-1',
      km: 42.5,
      load_kg: { frozen: 300, chilled: 420, ambient: 0 },
      stops: [
        {
          site_id: 'depot',
          name: 'Depot',
          kind: 'depot',
          x: 0,
          y: 0,
          arrival: '22:00',
          service_start: '22:00',
          departure: '22:00',
          order_ids: [],
        },
        {
          site_id: 'merchant-a',
          name: 'Merchant A',
          kind: 'pickup',
          x: 4,
          y: 6,
          arrival: '22:20',
          service_start: '22:30',
          departure: '22:35',
          order_ids: ['order-1', 'order-2'],
        },
        {
          site_id: 'station-1',
          name: 'Village station 1',
          kind: 'delivery',
          x: 12,
          y: 9,
          arrival: '23:05',
          service_start: '23:05',
          departure: '23:10',
          order_ids: ['order-1'],
        },
        {
          site_id: 'station-2',
          name: 'Village station 2',
          kind: 'delivery',
          x: 15,
          y: 2,
          arrival: '23:40',
          service_start: '23:40',
          departure: '23:45',
          order_ids: ['order-2'],
        },
        {
          site_id: 'depot',
          name: 'Depot',
          kind: 'depot',
          x: 0,
          y: 0,
          arrival: '24:30',
          service_start: '24:30',
          departure: '24:30',
          order_ids: [],
        },
      ],
    },
    {
      truck_id: 'truck-2',
      km: 30.1,
      load_kg: { frozen: 0, chilled: 250, ambient: 120 },
      stops: [
        {
          site_id: 'depot',
          name: 'Depot',
          kind: 'depot',
          x: 0,
          y: 0,
          arrival: '22:10',
          service_start: '22:10',
          departure: '22:10',
          order_ids: [],
        },
        {
          site_id: 'merchant-b',
          name: 'Merchant B',
          kind: 'pickup',
          x: -5,
          y: 3,
          arrival: '22:30',
          service_start: '22:30',
          departure: '22:35',
          order_ids: ['order-3'],
        },
        {
          site_id: 'station-2',
          name: 'Village station 2',
          kind: 'delivery',
          x: 15,
          y: 2,
          arrival: '23:30',
          service_start: '23:30',
          departure: '23:35',
          order_ids: ['order-3'],
        },
        {
          site_id: 'depot',
          name: 'Depot',
          kind: 'depot',
          x: 0,
          y: 0,
          arrival: '24:20',
          service_start: '24:20',
          departure: '24:20',
          order_ids: [],
        },
      ],
    },
  ],
  unserved: [{ order_id: 'order-4', reason: 'delivery window 21:00-21:30 closes before any truck can arrive' }],
  comparison: {
    pooled: { trips: 2, km: 72.6, load_factor: 0.68, kg_co2: 21.4, orders_served: 3 },
    baseline: { trips: 4, km: 131.0, load_factor: 0.31, kg_co2: 38.9, orders_served: 3 },
    baseline_unserved: [],
  },
};
