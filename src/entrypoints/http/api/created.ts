/** 201 Created with a Location for the new resource, below the collection it was posted to (RFC 9110 §15.3.2). */
import type { FastifyReply, FastifyRequest } from 'fastify';

export function created(request: FastifyRequest, reply: FastifyReply, id: string): FastifyReply {
  const collection = request.url.split('?')[0]!.replace(/\/+$/, '');
  return reply.code(201).header('location', `${collection}/${encodeURIComponent(id)}`);
}
