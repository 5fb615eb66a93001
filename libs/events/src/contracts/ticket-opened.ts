import { z } from 'zod';

/**
 * access.ticket_opened v1: the ticketing system (Jira) now records the grant. It follows `granted`
 * and may lag it (Jira is a record, not access); the gap between the two is the ticket's lag.
 */
export const TicketOpenedV1 = z.object({
  ticketKey: z.string().min(1),
});
export type TicketOpenedData = z.infer<typeof TicketOpenedV1>;
