//! Conversations, their messages, and the locked-reply outbox hand-off.

use crate::PgStore;
use crate::codec::{db_err, expect_row, get, word};
use crate::intake::enqueue_on;
use chrono::{DateTime, Utc};
use domain::*;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use store::support::{conversation_limit, with_message_id};
use store::{
    ConversationFilter, ConversationSummary, NewJob, NewMessage, StoreError, StoreResult,
    UpsertConversation,
};

const CONV_COLS: &str = "c.id, c.seller_id, c.category, c.meli_ref, c.status, c.meli_status,
    c.buyer_id, c.item_id, c.reply_locked, c.last_inbound_at, c.created_at, c.updated_at";

/// The same columns unqualified, for `RETURNING` (which takes no table alias).
const RETURNING_CONV_COLS: &str = "id, seller_id, category, meli_ref, status, meli_status,
    buyer_id, item_id, reply_locked, last_inbound_at, created_at, updated_at";

const MSG_COLS: &str = "id, conversation_id, meli_ref, direction, author, author_person_id,
    text, delivery, error, sent_at, created_at";

fn conversation_from_row(row: &PgRow) -> StoreResult<Conversation> {
    Ok(Conversation {
        id: ConversationId(get(row, "id")?),
        seller_id: SellerId(get(row, "seller_id")?),
        category: word(row, "category", Category::parse)?,
        meli_ref: get(row, "meli_ref")?,
        status: word(row, "status", ConversationStatus::parse)?,
        meli_status: get(row, "meli_status")?,
        buyer_id: MeliUserId(get(row, "buyer_id")?),
        item_id: get::<Option<String>>(row, "item_id")?.map(ItemId),
        reply_locked: get(row, "reply_locked")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
        last_inbound_at: get(row, "last_inbound_at")?,
    })
}

fn message_from_row(row: &PgRow) -> StoreResult<Message> {
    Ok(Message {
        id: MessageId(get(row, "id")?),
        conversation_id: ConversationId(get(row, "conversation_id")?),
        meli_ref: get(row, "meli_ref")?,
        direction: word(row, "direction", Direction::parse)?,
        author: word(row, "author", Author::parse)?,
        author_person_id: get::<Option<i64>>(row, "author_person_id")?.map(PersonId),
        text: get(row, "text")?,
        delivery: word(row, "delivery", DeliveryStatus::parse)?,
        error: get(row, "error")?,
        created_at: get(row, "created_at")?,
        sent_at: get(row, "sent_at")?,
    })
}

pub(crate) async fn upsert_conversation(
    s: &PgStore,
    c: UpsertConversation,
) -> StoreResult<Conversation> {
    // `reply_locked` only ratchets up and `last_inbound_at` only moves forward: a re-fetch of
    // stale data must not reopen an answered question or rewind the waiting time. Known facts
    // (item, Mercado Libre's status word) survive a sighting that lacks them.
    let sql = format!(
        "INSERT INTO conversations AS c (seller_id, category, meli_ref, status, meli_status,
             buyer_id, item_id, reply_locked, last_inbound_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
         ON CONFLICT (seller_id, category, meli_ref) DO UPDATE SET
             status = excluded.status,
             meli_status = COALESCE(excluded.meli_status, c.meli_status),
             buyer_id = excluded.buyer_id,
             item_id = COALESCE(excluded.item_id, c.item_id),
             reply_locked = (c.reply_locked OR excluded.reply_locked),
             last_inbound_at = GREATEST(c.last_inbound_at, excluded.last_inbound_at),
             updated_at = excluded.updated_at
         RETURNING {RETURNING_CONV_COLS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(c.seller_id.0)
        .bind(c.category.as_str())
        .bind(&c.meli_ref)
        .bind(c.status.as_str())
        .bind(&c.meli_status)
        .bind(c.buyer_id.0)
        .bind(c.item_id.as_ref().map(|i| i.0.as_str()))
        .bind(c.reply_locked)
        .bind(c.last_inbound_at)
        .bind(c.now)
        .fetch_one(&s.pool)
        .await
        .map_err(db_err)?;
    conversation_from_row(&row)
}

async fn insert_message(
    conn: &mut PgConnection,
    conversation: ConversationId,
    m: &NewMessage,
) -> StoreResult<Option<Message>> {
    let sql = format!(
        "INSERT INTO messages (conversation_id, meli_ref, direction, author, author_person_id,
             text, delivery, error, sent_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9)
         ON CONFLICT (conversation_id, meli_ref) DO NOTHING
         RETURNING {MSG_COLS}"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(conversation.0)
        .bind(&m.meli_ref)
        .bind(m.direction.as_str())
        .bind(m.author.as_str())
        .bind(m.author_person_id.map(|p| p.0))
        .bind(&m.text)
        .bind(m.delivery.as_str())
        .bind(m.sent_at)
        .bind(m.created_at)
        .fetch_optional(conn)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(message_from_row)
        .transpose()
}

pub(crate) async fn add_message(s: &PgStore, m: NewMessage) -> StoreResult<(Message, bool)> {
    let mut tx = s.pool.begin().await.map_err(db_err)?;
    if let Some(inserted) = insert_message(&mut tx, m.conversation_id, &m).await? {
        tx.commit().await.map_err(db_err)?;
        return Ok((inserted, true));
    }
    let sql =
        format!("SELECT {MSG_COLS} FROM messages WHERE conversation_id = $1 AND meli_ref = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(m.conversation_id.0)
        .bind(&m.meli_ref)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok((message_from_row(&row)?, false))
}

pub(crate) async fn conversations(
    s: &PgStore,
    f: &ConversationFilter,
) -> StoreResult<Vec<ConversationSummary>> {
    let mut q: QueryBuilder<Postgres> = QueryBuilder::new(format!(
        "SELECT {CONV_COLS},
             cn.nickname AS store_nickname, ct.nickname AS buyer_nickname,
             l.title AS item_title, l.thumbnail AS item_thumbnail,
             (SELECT m.text FROM messages m WHERE m.conversation_id = c.id
              ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS last_text
         FROM conversations c
         LEFT JOIN connections cn ON cn.seller_id = c.seller_id
         LEFT JOIN contacts ct ON ct.seller_id = c.seller_id AND ct.meli_user_id = c.buyer_id
         LEFT JOIN listings l ON l.item_id = c.item_id
         WHERE true"
    ));
    if let Some(seller) = f.seller_id {
        q.push(" AND c.seller_id = ").push_bind(seller.0);
    }
    if let Some(category) = f.category {
        q.push(" AND c.category = ").push_bind(category.as_str());
    }
    if let Some(status) = f.status {
        q.push(" AND c.status = ").push_bind(status.as_str());
    }
    q.push(" ORDER BY c.last_inbound_at DESC, c.id DESC LIMIT ")
        .push_bind(conversation_limit(f.limit));
    q.build()
        .fetch_all(&s.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(|row| {
            Ok(ConversationSummary {
                conversation: conversation_from_row(row)?,
                store_nickname: get(row, "store_nickname")?,
                buyer_nickname: get(row, "buyer_nickname")?,
                item_title: get(row, "item_title")?,
                item_thumbnail: get(row, "item_thumbnail")?,
                last_text: get(row, "last_text")?,
            })
        })
        .collect()
}

pub(crate) async fn conversation(
    s: &PgStore,
    id: ConversationId,
) -> StoreResult<Option<Conversation>> {
    let sql = format!("SELECT {CONV_COLS} FROM conversations c WHERE c.id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&s.pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(conversation_from_row)
        .transpose()
}

pub(crate) async fn conversation_by_ref(
    s: &PgStore,
    seller: SellerId,
    category: Category,
    meli_ref: &str,
) -> StoreResult<Option<Conversation>> {
    let sql = format!(
        "SELECT {CONV_COLS} FROM conversations c
         WHERE c.seller_id = $1 AND c.category = $2 AND c.meli_ref = $3"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(seller.0)
        .bind(category.as_str())
        .bind(meli_ref)
        .fetch_optional(&s.pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(conversation_from_row)
        .transpose()
}

pub(crate) async fn messages(
    s: &PgStore,
    conversation: ConversationId,
) -> StoreResult<Vec<Message>> {
    let sql = format!(
        "SELECT {MSG_COLS} FROM messages WHERE conversation_id = $1 ORDER BY created_at, id"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(conversation.0)
        .fetch_all(&s.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(message_from_row)
        .collect()
}

pub(crate) async fn message(s: &PgStore, id: MessageId) -> StoreResult<Option<Message>> {
    let sql = format!("SELECT {MSG_COLS} FROM messages WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&s.pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(message_from_row)
        .transpose()
}

pub(crate) async fn queue_locked_reply(
    s: &PgStore,
    conversation: ConversationId,
    message: NewMessage,
    job: NewJob,
) -> StoreResult<(Message, JobId)> {
    let mut tx = s.pool.begin().await.map_err(db_err)?;
    // The conditional update is the lock: whoever flips false→true owns the one answer.
    let locked = sqlx::query(
        "UPDATE conversations SET reply_locked = true, updated_at = now()
         WHERE id = $1 AND reply_locked = false",
    )
    .bind(conversation.0)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    if locked.rows_affected() == 0 {
        let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM conversations WHERE id = $1")
            .bind(conversation.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
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
    // A queued or running job with the same key would mean an earlier reply is still in flight;
    // refusing (and rolling the lock back) is safer than sending twice. The unique index only
    // covers queued jobs, so running ones are checked here.
    if let Some(key) = &job.dedup_key {
        let running: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM jobs WHERE dedup_key = $1 AND state = 'running' LIMIT 1",
        )
        .bind(key)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        if running.is_some() {
            return Err(StoreError::Conflict("duplicate_job".to_string()));
        }
    }
    let job_id = enqueue_on(&mut tx, &job)
        .await?
        .ok_or_else(|| StoreError::Conflict("duplicate_job".to_string()))?;
    tx.commit().await.map_err(db_err)?;
    Ok((stored, job_id))
}

pub(crate) async fn mark_message_sent(
    s: &PgStore,
    id: MessageId,
    sent_at: DateTime<Utc>,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE messages SET delivery = 'sent', sent_at = $2, error = NULL, updated_at = now()
         WHERE id = $1",
    )
    .bind(id.0)
    .bind(sent_at)
    .execute(&s.pool)
    .await
    .map_err(db_err)?;
    expect_row(done.rows_affected(), || format!("message {id}"))
}

pub(crate) async fn mark_message_failed(
    s: &PgStore,
    id: MessageId,
    error: &str,
    unlock_reply: bool,
) -> StoreResult<()> {
    let mut tx = s.pool.begin().await.map_err(db_err)?;
    let conversation: Option<i64> = sqlx::query_scalar(
        "UPDATE messages SET delivery = 'failed', error = $2, updated_at = now() WHERE id = $1
         RETURNING conversation_id",
    )
    .bind(id.0)
    .bind(error)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    let Some(conversation) = conversation else {
        return Err(StoreError::NotFound(format!("message {id}")));
    };
    if unlock_reply {
        sqlx::query(
            "UPDATE conversations SET reply_locked = false, updated_at = now() WHERE id = $1",
        )
        .bind(conversation)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)
}

pub(crate) async fn set_conversation_status(
    s: &PgStore,
    id: ConversationId,
    status: ConversationStatus,
    meli_status: Option<&str>,
) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE conversations SET status = $2, meli_status = COALESCE($3, meli_status),
             updated_at = now()
         WHERE id = $1",
    )
    .bind(id.0)
    .bind(status.as_str())
    .bind(meli_status)
    .execute(&s.pool)
    .await
    .map_err(db_err)?;
    expect_row(done.rows_affected(), || format!("conversation {id}"))
}
