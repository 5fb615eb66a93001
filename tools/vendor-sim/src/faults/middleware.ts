import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestHandler, Response } from 'express';
import { requestPath } from '../http/request-path.js';
import type { Vendor } from './fault-spec.js';
import type { FaultRegistry } from './registry.js';

/** Writes an error response in the vendor's own error shape. */
export type VendorErrorWriter = (res: Response, status: number) => void;

/** Applies the first matching fault: waits `latencyMs`, then answers with its status or lets the request through. */
export function faultMiddleware(vendor: Vendor, faults: FaultRegistry, writeError: VendorErrorWriter): RequestHandler {
  return async (req, res, next) => {
    const fault = faults.take(vendor, req.method, requestPath(req));
    if (!fault) return next();
    if (fault.latencyMs) await sleep(fault.latencyMs);
    if (fault.status === undefined) return next();
    res.setHeader('X-Vendor-Sim-Fault', String(fault.id));
    writeError(res, fault.status);
  };
}
