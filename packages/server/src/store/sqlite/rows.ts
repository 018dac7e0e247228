import type {
  Message,
  MessageType,
  Participant,
  ReadReceipt,
  SystemContent,
  Thread,
  ThreadEvent,
  User,
  UserRole,
} from '@parley/protocol';
import type { ApiKeyRecord, ParticipantRecord, TenantRecord, UserRecord } from '../../core/ports/store.js';

// Rows as better-sqlite3 returns them (snake_case columns), and their mapping
// to wire objects. Every mapper builds a new object: callers may keep it.

export interface TenantRow {
  id: string;
  name: string;
  created_at: string;
}

export interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  hash: string;
  created_at: string;
  last_used_at: string | null;
}

export interface UserRow {
  tenant_id: string;
  id: string;
  display_name: string;
  role: string;
  metadata: string;
  created_at: string;
  updated_at: string;
  token_version: number;
}

export interface ThreadRow {
  id: string;
  tenant_id: string;
  topic: string;
  metadata: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  last_activity_at: string;
  last_seq: number;
  last_pos: number;
}

export interface ParticipantRow {
  thread_id: string;
  user_id: string;
  display_name: string;
  role: string;
  share_history_time: string;
  joined_at: string;
  joined_pos: number;
  last_read_seq: number;
}

export interface MessageRow {
  id: string;
  thread_id: string;
  seq: number;
  type: string;
  content: string;
  system: string | null;
  sender_id: string | null;
  sender_display_name: string;
  metadata: string;
  client_message_id: string | null;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
}

export interface ReceiptRow {
  user_id: string;
  message_id: string;
  seq: number;
  read_at: string;
}

/** A thread row joined with its last message (columns prefixed `m_`) and the unread count. */
export interface SummaryRow extends ThreadRow {
  m_id: string | null;
  m_seq: number | null;
  m_type: string | null;
  m_content: string | null;
  m_system: string | null;
  m_sender_id: string | null;
  m_sender_display_name: string | null;
  m_metadata: string | null;
  m_client_message_id: string | null;
  m_created_at: string | null;
  m_edited_at: string | null;
  m_deleted_at: string | null;
  unread_count: number;
}

export const toTenant = (r: TenantRow): TenantRecord => ({ id: r.id, name: r.name, createdAt: r.created_at });

export const toApiKey = (r: ApiKeyRow): ApiKeyRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  prefix: r.prefix,
  hash: r.hash,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

export const toUser = (r: UserRow): User => ({
  id: r.id,
  displayName: r.display_name,
  role: r.role as UserRole,
  metadata: parseMetadata(r.metadata),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toUserRecord = (r: UserRow): UserRecord => ({
  ...toUser(r),
  tenantId: r.tenant_id,
  tokenVersion: r.token_version,
});

export const toThread = (r: ThreadRow): Thread => ({
  id: r.id,
  topic: r.topic,
  metadata: parseMetadata(r.metadata),
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastActivityAt: r.last_activity_at,
  lastSequence: r.last_seq,
  lastPosition: r.last_pos,
});

export const toParticipant = (r: ParticipantRow): Participant => ({
  userId: r.user_id,
  displayName: r.display_name,
  role: r.role as Participant['role'],
  shareHistoryTime: r.share_history_time,
  joinedAt: r.joined_at,
});

export const toParticipantRecord = (r: ParticipantRow): ParticipantRecord => ({
  ...toParticipant(r),
  lastReadSequence: r.last_read_seq,
  joinedPos: r.joined_pos,
});

export function toMessage(r: MessageRow): Message {
  const message: Message = {
    id: r.id,
    threadId: r.thread_id,
    sequence: r.seq,
    type: r.type as MessageType,
    content: r.content,
    senderId: r.sender_id,
    senderDisplayName: r.sender_display_name,
    metadata: parseMetadata(r.metadata),
    clientMessageId: r.client_message_id,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    deletedAt: r.deleted_at,
  };
  // `system` is present on system messages only, never as an undefined key.
  if (r.system !== null) message.system = JSON.parse(r.system) as SystemContent;
  return message;
}

export const toReceipt = (r: ReceiptRow): ReadReceipt => ({
  userId: r.user_id,
  messageId: r.message_id,
  sequence: r.seq,
  readAt: r.read_at,
});

export function summaryLastMessage(r: SummaryRow): Message | null {
  if (r.m_id === null) return null;
  return toMessage({
    id: r.m_id,
    thread_id: r.id,
    seq: r.m_seq!,
    type: r.m_type!,
    content: r.m_content!,
    system: r.m_system,
    sender_id: r.m_sender_id,
    sender_display_name: r.m_sender_display_name!,
    metadata: r.m_metadata!,
    client_message_id: r.m_client_message_id,
    created_at: r.m_created_at!,
    edited_at: r.m_edited_at,
    deleted_at: r.m_deleted_at,
  });
}

export const toEvent = (body: string): ThreadEvent => JSON.parse(body) as ThreadEvent;

function parseMetadata(json: string): Record<string, string> {
  return JSON.parse(json) as Record<string, string>;
}
