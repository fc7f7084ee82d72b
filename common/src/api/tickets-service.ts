import { eventsOperations } from './events';
import type { ServiceApi } from './operation';
import { ticketsOperations } from './tickets';

/** The tickets service's public API: its listings (`/api/tickets`) and the event catalog (`/api/events`). */
export const ticketsApi: ServiceApi = {
  service: 'tickets',
  title: 'Ticketing tickets API',
  description:
    'Sellers list tickets, edit, unlist and relist them; organizers add events to the catalog; everyone browses, searches and reads both.',
  prefix: '/api/tickets',
  otherPrefixes: ['/api/events'],
  operations: [...Object.values(ticketsOperations), ...Object.values(eventsOperations)],
};
