//! Conversations, their messages, and the locked-reply outbox hand-off.

use super::intake::enqueue_on;
use super::{Args, Driver, Exec, Row, Tx, Value};
use crate::support::{conversation_limit, expect_row, with_message_id};
use crate::{
    ConversationFilter, ConversationStore, ConversationSummary, NewJob, NewMessage, StoreError,
    StoreResult, UpsertConversation, args,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::lifecycle::{Sighting, merge_sighting};
use domain::*;

const CONV_COLS: &str = "c.id, c.org_id, c.seller_id, c.category, c.meli_ref, c.status, \
    c.meli_status, c.buyer_id, c.item_id, c.reply_locked, c.last_inbound_at, c.created_at, \
    c.updated_at";

/// The same columns unqualified, for `RETURNING`.
const RETURNING_CONV_COLS: &str = "id, org_id, seller_id, category, meli_ref, status, \
    meli_status, buyer_id, item_id, reply_locked, last_inbound_at, created_at, updated_at";

const MSG_COLS: &str = "id, conversation_id, meli_ref, direction, author, author_person_id, \
    text, delivery, error, sent_at, created_at";

fn conversation(row: &Row) -> StoreResult<Conversation> {
    Ok(Conversation {
        id: ConversationId(row.i64("id")?),
        org_id: row.org("org_id")?,
        seller_id: SellerId(row.i64("seller_id")?),
        category: row.word("category", Category::parse)?,
        meli_ref: row.text("meli_ref")?,
        status: row.word("status", ConversationStatus::parse)?,
        meli_status: row.opt_text("meli_status")?,
        buyer_id: MeliUserId(row.i64("buyer_id")?),
        item_id: row.opt_text("item_id")?.map(ItemId),
        reply_locked: row.bool("reply_locked")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
        last_inbound_at: row.time("last_inbound_at")?,
    })
}

fn message(row: &Row) -> StoreResult<Message> {
    Ok(Message {
        id: MessageId(row.i64("id")?),
        conversation_id: ConversationId(row.i64("conversation_id")?),
        meli_ref: row.text("meli_ref")?,
        direction: row.word("direction", Direction::parse)?,
        author: row.word("author", Author::parse)?,
        author_person_id: row.opt_i64("author_person_id")?.map(PersonId),
        text: row.text("text")?,
        delivery: row.word("delivery", DeliveryStatus::parse)?,
        error: row.opt_text("error")?,
        created_at: row.time("created_at")?,
        sent_at: row.opt_time("sent_at")?,
    })
}

fn sighting(c: &UpsertConversation) -> Sighting {
    Sighting {
        status: c.status,
        meli_status: c.meli_status.clone(),
        buyer_id: c.buyer_id,
        item_id: c.item_id.clone(),
        reply_locked: c.reply_locked,
        last_inbound_at: c.last_inbound_at,
    }
}

async fn insert_message<E: Exec + ?Sized>(
    ex: &mut E,
    conversation: ConversationId,
    m: &NewMessage,
) -> StoreResult<Option<Message>> {
    let sql = format!(
        "INSERT INTO messages (conversation_id, meli_ref, direction, author, author_person_id,
             text, delivery, error, sent_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10)
         ON CONFLICT (conversation_id, meli_ref) DO NOTHING
         RETURNING {MSG_COLS}"
    );
    ex.fetch_optional(
        &sql,
        args![
            conversation,
            &m.meli_ref,
            m.direction.as_str(),
            m.author.as_str(),
            m.author_person_id,
            &m.text,
            m.delivery.as_str(),
            m.sent_at,
            m.created_at,
            Utc::now()
        ],
    )
    .await?
    .as_ref()
    .map(message)
    .transpose()
}

/// How many times an upsert goes round when a concurrent insert of the same conversation wins.
const UPSERT_TRIES: usize = 3;

#[async_trait]
impl<D: Driver> ConversationStore for D {
    async fn upsert_conversation(&self, c: UpsertConversation) -> StoreResult<Conversation> {
        let known_sql = format!(
            "SELECT {CONV_COLS} FROM conversations c
             WHERE c.seller_id = $1 AND c.category = $2 AND c.meli_ref = $3{}",
            self.dialect().for_update()
        );
        for _ in 0..UPSERT_TRIES {
            let mut tx = self.begin().await?;
            let known = tx
                .fetch_optional(
                    &known_sql,
                    args![c.seller_id, c.category.as_str(), &c.meli_ref],
                )
                .await?;
            let row = match known {
                Some(row) => {
                    let known = conversation(&row)?;
                    let merged = merge_sighting(&known, sighting(&c));
                    let sql = format!(
                        "UPDATE conversations SET status = $2, meli_status = $3, buyer_id = $4,
                             item_id = $5, reply_locked = $6, last_inbound_at = $7,
                             updated_at = $8
                         WHERE id = $1
                         RETURNING {RETURNING_CONV_COLS}"
                    );
                    tx.fetch_optional(
                        &sql,
                        args![
                            known.id,
                            merged.status.as_str(),
                            merged.meli_status,
                            merged.buyer_id,
                            merged.item_id.as_ref(),
                            merged.reply_locked,
                            merged.last_inbound_at,
                            c.now
                        ],
                    )
                    .await?
                }
                None => {
                    let sql = format!(
                        "INSERT INTO conversations (org_id, seller_id, category, meli_ref,
                             status, meli_status, buyer_id, item_id, reply_locked,
                             last_inbound_at, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
                         ON CONFLICT (seller_id, category, meli_ref) DO NOTHING
                         RETURNING {RETURNING_CONV_COLS}"
                    );
                    tx.fetch_optional(
                        &sql,
                        args![
                            c.org_id,
                            c.seller_id,
                            c.category.as_str(),
                            &c.meli_ref,
                            c.status.as_str(),
                            c.meli_status.as_deref(),
                            c.buyer_id,
                            c.item_id.as_ref(),
                            c.reply_locked,
                            c.last_inbound_at,
                            c.now
                        ],
                    )
                    .await?
                }
            };
            // No row: another writer inserted it between our look and our insert; look again.
            if let Some(row) = row {
                let stored = conversation(&row)?;
                tx.commit().await?;
                return Ok(stored);
            }
        }
        Err(StoreError::Conflict(format!(
            "conversation {}/{} kept changing; try again",
            c.category.as_str(),
            c.meli_ref
        )))
    }

    async fn add_message(&self, m: NewMessage) -> StoreResult<(Message, bool)> {
        let mut tx = self.begin().await?;
        if let Some(inserted) = insert_message(&mut tx, m.conversation_id, &m).await? {
            tx.commit().await?;
            return Ok((inserted, true));
        }
        let sql =
            format!("SELECT {MSG_COLS} FROM messages WHERE conversation_id = $1 AND meli_ref = $2");
        let row = tx
            .fetch_optional(&sql, args![m.conversation_id, &m.meli_ref])
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("message {}", m.meli_ref)))?;
        tx.commit().await?;
        Ok((message(&row)?, false))
    }

    async fn org_conversations(
        &self,
        org: OrgId,
        f: &ConversationFilter,
    ) -> StoreResult<Vec<ConversationSummary>> {
        let mut sql = format!(
            "SELECT {CONV_COLS},
                 cn.nickname AS store_nickname, ct.nickname AS buyer_nickname,
                 l.title AS item_title, l.thumbnail AS item_thumbnail,
                 (SELECT m.text FROM messages m WHERE m.conversation_id = c.id
                  ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS last_text
             FROM conversations c
             LEFT JOIN connections cn ON cn.seller_id = c.seller_id
             LEFT JOIN contacts ct ON ct.seller_id = c.seller_id AND ct.meli_user_id = c.buyer_id
             LEFT JOIN listings l ON l.item_id = c.item_id
             WHERE c.org_id = $1"
        );
        let mut args: Args = args![org];
        let mut filter = |column: &str, value: Value| {
            args.push(value);
            sql.push_str(&format!(" AND c.{column} = ${}", args.len()));
        };
        if let Some(seller) = f.seller_id {
            filter("seller_id", seller.into());
        }
        if let Some(category) = f.category {
            filter("category", category.as_str().into());
        }
        if let Some(status) = f.status {
            filter("status", status.as_str().into());
        }
        args.push(conversation_limit(f.limit).into());
        sql.push_str(&format!(
            " ORDER BY c.last_inbound_at DESC, c.id DESC LIMIT ${}",
            args.len()
        ));
        self.read(&sql, args)
            .await?
            .iter()
            .map(|row| {
                Ok(ConversationSummary {
                    conversation: conversation(row)?,
                    store_nickname: row.opt_text("store_nickname")?,
                    buyer_nickname: row.opt_text("buyer_nickname")?,
                    item_title: row.opt_text("item_title")?,
                    item_thumbnail: row.opt_text("item_thumbnail")?,
                    last_text: row.opt_text("last_text")?,
                })
            })
            .collect()
    }

    async fn org_conversation(
        &self,
        org: OrgId,
        id: ConversationId,
    ) -> StoreResult<Option<Conversation>> {
        let sql =
            format!("SELECT {CONV_COLS} FROM conversations c WHERE c.id = $1 AND c.org_id = $2");
        self.read_optional(&sql, args![id, org])
            .await?
            .as_ref()
            .map(conversation)
            .transpose()
    }

    async fn conversation(&self, id: ConversationId) -> StoreResult<Option<Conversation>> {
        let sql = format!("SELECT {CONV_COLS} FROM conversations c WHERE c.id = $1");
        self.read_optional(&sql, args![id])
            .await?
            .as_ref()
            .map(conversation)
            .transpose()
    }

    async fn conversation_by_ref(
        &self,
        seller: SellerId,
        category: Category,
        meli_ref: &str,
    ) -> StoreResult<Option<Conversation>> {
        let sql = format!(
            "SELECT {CONV_COLS} FROM conversations c
             WHERE c.seller_id = $1 AND c.category = $2 AND c.meli_ref = $3"
        );
        self.read_optional(&sql, args![seller, category.as_str(), meli_ref])
            .await?
            .as_ref()
            .map(conversation)
            .transpose()
    }

    async fn messages(&self, conversation: ConversationId) -> StoreResult<Vec<Message>> {
        let sql = format!(
            "SELECT {MSG_COLS} FROM messages WHERE conversation_id = $1 ORDER BY created_at, id"
        );
        self.read(&sql, args![conversation])
            .await?
            .iter()
            .map(message)
            .collect()
    }

    async fn message(&self, id: MessageId) -> StoreResult<Option<Message>> {
        let sql = format!("SELECT {MSG_COLS} FROM messages WHERE id = $1");
        self.read_optional(&sql, args![id])
            .await?
            .as_ref()
            .map(message)
            .transpose()
    }

    async fn queue_locked_reply(
        &self,
        org: OrgId,
        conversation: ConversationId,
        message: NewMessage,
        job: NewJob,
    ) -> StoreResult<(Message, JobId)> {
        let mut tx = self.begin().await?;
        // The conditional update is the lock: whoever flips false→true owns the one answer.
        let locked = tx
            .execute(
                "UPDATE conversations SET reply_locked = TRUE, updated_at = $2
                 WHERE id = $1 AND org_id = $3 AND reply_locked = FALSE",
                args![conversation, Utc::now(), org],
            )
            .await?;
        if locked == 0 {
            let exists = tx
                .fetch_optional(
                    "SELECT id FROM conversations WHERE id = $1 AND org_id = $2",
                    args![conversation, org],
                )
                .await?;
            return Err(match exists {
                Some(_) => StoreError::Conflict("already_answered".to_string()),
                None => StoreError::NotFound(format!("conversation {conversation}")),
            });
        }
        let stored = insert_message(&mut tx, conversation, &message)
            .await?
            .ok_or_else(|| StoreError::Conflict("duplicate_message".to_string()))?;
        let job = NewJob {
            payload: with_message_id(job.payload, stored.id),
            ..job
        };
        // A queued or running job with the same key would mean an earlier reply is still in
        // flight; refusing (and rolling the lock back) is safer than sending twice. The unique
        // index only covers queued jobs, so running ones are checked here.
        if let Some(key) = &job.dedup_key {
            let running = tx
                .fetch_optional(
                    "SELECT id FROM jobs WHERE dedup_key = $1 AND state = 'running' LIMIT 1",
                    args![key],
                )
                .await?;
            if running.is_some() {
                return Err(StoreError::Conflict("duplicate_job".to_string()));
            }
        }
        let job_id = enqueue_on(&mut tx, &job)
            .await?
            .ok_or_else(|| StoreError::Conflict("duplicate_job".to_string()))?;
        tx.commit().await?;
        Ok((stored, job_id))
    }

    async fn mark_message_sent(&self, id: MessageId, sent_at: DateTime<Utc>) -> StoreResult<()> {
        let done = self
            .write_count(
                "UPDATE messages SET delivery = 'sent', sent_at = $2, error = NULL, updated_at = $3
                 WHERE id = $1",
                args![id, sent_at, Utc::now()],
            )
            .await?;
        expect_row(done, || format!("message {id}"))
    }

    async fn mark_message_failed(
        &self,
        id: MessageId,
        error: &str,
        unlock_reply: bool,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let Some(row) = tx
            .fetch_optional(
                "UPDATE messages SET delivery = 'failed', error = $2, updated_at = $3 WHERE id = $1
                 RETURNING conversation_id",
                args![id, error, now],
            )
            .await?
        else {
            return Err(StoreError::NotFound(format!("message {id}")));
        };
        if unlock_reply {
            tx.execute(
                "UPDATE conversations SET reply_locked = FALSE, updated_at = $2 WHERE id = $1",
                args![row.i64("conversation_id")?, now],
            )
            .await?;
        }
        tx.commit().await
    }

    async fn set_conversation_status(
        &self,
        id: ConversationId,
        status: ConversationStatus,
        meli_status: Option<&str>,
    ) -> StoreResult<()> {
        let done = self
            .write_count(
                "UPDATE conversations SET status = $2, meli_status = COALESCE($3, meli_status),
                     updated_at = $4
                 WHERE id = $1",
                args![id, status.as_str(), meli_status, Utc::now()],
            )
            .await?;
        expect_row(done, || format!("conversation {id}"))
    }
}
