/**
 * SOAP 1.1 envelopes in the shape Exchange answers: a ServerVersionInfo header, one
 * `m:{Op}Response/m:ResponseMessages` with one response message per requested thing (each may fail
 * on its own inside an HTTP 200), and SOAP faults for whole-request failures such as
 * ErrorServerBusy (HTTP 500, BackOffMilliseconds in MessageXml — "EWS throttling in Exchange").
 */
import { el, esc, tx } from './xml';

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  types: 'http://schemas.microsoft.com/exchange/services/2006/types',
  messages: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  errors: 'http://schemas.microsoft.com/exchange/services/2006/errors',
} as const;

const serverVersion = el('h:ServerVersionInfo', {
  MajorVersion: 15,
  MinorVersion: 1,
  MajorBuildNumber: 2507,
  MinorBuildNumber: 39,
  Version: 'V2017_07_11',
  'xmlns:h': NS.types,
  xmlns: NS.types,
});

export function envelope(body: string): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<s:Envelope xmlns:s="${NS.soap}"><s:Header>${serverVersion}</s:Header>` +
    `<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">${body}</s:Body></s:Envelope>`
  );
}

export interface MessageResult {
  /** Absent on success. */
  code?: string;
  text?: string;
  /** Success: the payload elements; may also accompany an error. */
  body?: string;
  warning?: boolean;
  messageXml?: string;
}

export function ok(body = ''): MessageResult {
  return { body };
}

export function responseMessage(op: string, r: MessageResult): string {
  const cls = r.code ? (r.warning ? 'Warning' : 'Error') : 'Success';
  return el(
    `m:${op}ResponseMessage`,
    { ResponseClass: cls },
    r.code && tx('m:MessageText', r.text ?? r.code),
    tx('m:ResponseCode', r.code ?? 'NoError'),
    r.code && tx('m:DescriptiveLinkKey', 0),
    r.messageXml && el('m:MessageXml', null, r.messageXml),
    r.body,
  );
}

/** `<m:{Op}Response><m:ResponseMessages>…` in a SOAP envelope. */
export function operationResponse(op: string, results: MessageResult[]): string {
  return envelope(
    el(`m:${op}Response`, { 'xmlns:m': NS.messages, 'xmlns:t': NS.types }, el('m:ResponseMessages', null, results.map((r) => responseMessage(op, r)))),
  );
}

export function soapFault(code: string, message: string, messageXml?: string): string {
  return envelope(
    `<s:Fault><faultcode xmlns:a="${NS.types}">a:${esc(code)}</faultcode><faultstring xml:lang="en-US">${esc(message)}</faultstring>` +
      `<detail><e:ResponseCode xmlns:e="${NS.errors}">${esc(code)}</e:ResponseCode><e:Message xmlns:e="${NS.errors}">${esc(message)}</e:Message>` +
      (messageXml ? `<t:MessageXml xmlns:t="${NS.types}">${messageXml}</t:MessageXml>` : '') +
      `</detail></s:Fault>`,
  );
}

export function serverBusyFault(backOffMs: number): string {
  return soapFault(
    'ErrorServerBusy',
    'The server cannot service this request right now. Try again later.',
    el('t:Value', { Name: 'BackOffMilliseconds' }, String(backOffMs)),
  );
}
