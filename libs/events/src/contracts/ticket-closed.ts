import { z } from 'zod';

/** access.ticket_closed v1: the grant's ticket says how access ended and is done; its record is complete. */
export const TicketClosedV1 = z.object({
  ticketKey: z.string().min(1),
});
export type TicketClosedData = z.infer<typeof TicketClosedV1>;
