/** A subscriber's devices (phones, tablets, desktops), listed in the order they were added. */
import type { Kysely, Selectable } from 'kysely';
import type { Device, DeviceRepository } from '../../domain/subscribers/index.js';
import type { Database, DevicesTable } from './schema.js';
import { dateFrom, instant } from './schema.js';

function deviceFrom(row: Selectable<DevicesTable>): Device {
  return {
    id: row.id,
    subscriberId: row.subscriber_id,
    name: row.name,
    status: row.status as Device['status'],
    createdAt: dateFrom(row.created_at),
  };
}

export class KyselyDeviceRepository implements DeviceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(device: Device): Promise<void> {
    await this.db.insertInto('devices').values({
      id: device.id,
      subscriber_id: device.subscriberId,
      name: device.name,
      status: device.status,
      created_at: instant(device.createdAt),
    }).execute();
  }

  async findById(id: string): Promise<Device | null> {
    const row = await this.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? deviceFrom(row) : null;
  }

  async listBySubscriber(subscriberId: string): Promise<Device[]> {
    const rows = await this.db.selectFrom('devices').selectAll()
      .where('subscriber_id', '=', subscriberId)
      .orderBy('created_at').orderBy('id')
      .execute();
    return rows.map(deviceFrom);
  }

  async updateStatus(id: string, status: Device['status']): Promise<void> {
    await this.db.updateTable('devices').set({ status }).where('id', '=', id).execute();
  }
}
