/**
 * /EWS/Exchange.asmx: reads the SOAP envelope, names the operation, and runs its handler. Malformed
 * XML or schema-invalid requests are SOAP faults (HTTP 500, ErrorSchemaValidation) as EWS answers
 * them; per-item problems are ResponseCodes inside an HTTP 200; nothing a client sends crashes it.
 */
import { SchemaError } from './calendar';
import type { Mailbox } from './model';
import { createFolder, getFolder, resolveNames } from './ops-directory';
import { findFolder, findItem } from './ops-find';
import { deleteItem, getItem, moveItem } from './ops-items';
import { getEvents, subscribe, syncFolderItems, unsubscribe } from './ops-sync';
import { createItem, updateItem } from './ops-write';
import type { OpHandler } from './request';
import { operationResponse, soapFault } from './soap';
import { EwsError, type ExchangeStore } from './store';
import { parseXml, path, type XNode } from './xml';

const handlers: Record<string, OpHandler> = {
  FindFolder: findFolder,
  GetFolder: getFolder,
  CreateFolder: createFolder,
  FindItem: findItem,
  GetItem: getItem,
  MoveItem: moveItem,
  CreateItem: createItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
  SyncFolderItems: syncFolderItems,
  ResolveNames: resolveNames,
  Subscribe: subscribe,
  GetEvents: getEvents,
  Unsubscribe: unsubscribe,
};

export interface ParsedEwsRequest {
  doc: XNode | null;
  /** Operation name, e.g. "FindItem"; "(invalid)" when the envelope cannot be read. */
  operation: string;
  op: XNode | undefined;
}

export function readEwsRequest(body: string): ParsedEwsRequest {
  const doc = parseXml(body);
  const op = path(doc, 'Body')?.children[0];
  return { doc, operation: op?.name ?? '(invalid)', op };
}

export interface EwsAnswer {
  status: number;
  xml: string;
}

export function answerEws(store: ExchangeStore, mb: Mailbox, req: ParsedEwsRequest): EwsAnswer {
  if (!req.doc || req.doc.name !== 'Envelope' || !req.op) {
    return { status: 500, xml: soapFault('ErrorSchemaValidation', 'The request failed schema validation: the request is not a well-formed SOAP envelope.') };
  }
  const handler = handlers[req.operation];
  if (!handler) {
    return { status: 500, xml: soapFault('ErrorInvalidRequest', `The request is invalid: ${req.operation} is not supported by the simulator.`) };
  }
  if (mb.kind === 'distribution_list' && req.operation !== 'ResolveNames') {
    return { status: 200, xml: operationResponse(req.operation, [{ code: 'ErrorNonExistentMailbox', text: 'No mailbox exists for this address.' }]) };
  }
  const tz = path(req.doc, 'Header', 'TimeZoneContext', 'TimeZoneDefinition')?.attrs.Id;
  try {
    const results = handler({ store, mb, op: req.op, ...(tz ? { tzContext: tz } : {}) });
    return { status: 200, xml: operationResponse(req.operation, results) };
  } catch (e) {
    if (e instanceof SchemaError) return { status: 500, xml: soapFault('ErrorSchemaValidation', `The request failed schema validation: ${e.message}`) };
    if (e instanceof EwsError) return { status: 200, xml: operationResponse(req.operation, [{ code: e.code, text: e.message }]) };
    const message = e instanceof Error ? e.message : String(e);
    return { status: 500, xml: soapFault('ErrorInternalServerError', `An internal server error occurred. ${message}`) };
  }
}
