//! Conversations, their messages, and the locked-reply outbox hand-off.

use super::intake::enqueue_on;
use super::{Args, Driver, Exec, ReadAs, Row, Tx, Value};
use crate::support::{conversation_limit, expect_row, with_message_id};
use crate::{
    AnswerSample, Assignee, ConversationFilter, ConversationStore, ConversationSummary, NewJob,
    NewMessage, StoreError, StoreResult, UpsertConversation, args,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::lifecycle::{Sighting, merge_sighting};
use domain::routing::{Module, Route};
use domain::*;

const CONV_COLS: &str = "c.id, c.org_id, c.seller_id, c.category, c.meli_ref, c.status, \
    c.meli_status, c.buyer_id, c.item_id, c.reply_locked, c.last_inbound_at, c.created_at, \
    c.updated_at, c.module, c.assigned_team_id, c.assigned_person_id, c.order_id, c.pack_id, \
    c.claim_id, c.blocked_reason, c.buyer_started, c.first_inbound_at, c.first_response_at, \
    c.first_responder_id";

/// The same columns unqualified, for `RETURNING`.
const RETURNING_CONV_COLS: &str = "id, org_id, seller_id, category, meli_ref, status, \
    meli_status, buyer_id, item_id, reply_locked, last_inbound_at, created_at, updated_at, \
    module, assigned_team_id, assigned_person_id, order_id, pack_id, claim_id, blocked_reason, \
    buyer_started, first_inbound_at, first_response_at, first_responder_id";

const MSG_COLS: &str = "id, conversation_id, meli_ref, direction, author, author_person_id, \
    text, delivery, error, sent_at, created_at, moderation_status, moderation_reason, \
    attachments, receiver_role";

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
        module: row.word("module", Module::parse)?,
        assigned_team_id: row.opt_i64("assigned_team_id")?.map(TeamId),
        assigned_person_id: row.opt_i64("assigned_person_id")?.map(PersonId),
        order_id: row.opt_i64("order_id")?.map(OrderId),
        pack_id: row.opt_i64("pack_id")?.map(PackId),
        claim_id: row.opt_i64("claim_id")?.map(ClaimId),
        blocked_reason: row.opt_text("blocked_reason")?,
        buyer_started: row.bool("buyer_started")?,
        first_inbound_at: row.opt_time("first_inbound_at")?,
        first_response_at: row.opt_time("first_response_at")?,
        first_responder_id: row.opt_i64("first_responder_id")?.map(PersonId),
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
        moderation_status: row.opt_text("moderation_status")?,
        moderation_reason: row.opt_text("moderation_reason")?,
        attachments: row.opt_json("attachments")?,
        receiver_role: row.opt_text("receiver_role")?,
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
        order_id: c.context.order_id,
        pack_id: c.context.pack_id,
        claim_id: c.context.claim_id,
        buyer_started: c.context.buyer_started,
        blocked_reason: c.context.blocked_reason.clone(),
    }
}

async fn insert_message<E: Exec + ?Sized>(
    ex: &mut E,
    conversation: ConversationId,
    m: &NewMessage,
) -> StoreResult<Option<Message>> {
    let sql = format!(
        "INSERT INTO messages (conversation_id, meli_ref, direction, author, author_person_id,
             text, delivery, error, sent_at, created_at, updated_at, moderation_status,
             moderation_reason, attachments, receiver_role)
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10, $11, $12, $13, $14)
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
            Utc::now(),
            m.extra.moderation_status.as_deref(),
            m.extra.moderation_reason.as_deref(),
            m.extra.attachments.as_ref(),
            m.extra.receiver_role.as_deref()
        ],
    )
    .await?
    .as_ref()
    .map(message)
    .transpose()
}

/// Whether the buyer has asked something yet: the first-response clock starts then (a post-sale
/// conversation known from its order alone has nothing to answer).
fn awaits_answer(category: Category, buyer_started: bool) -> bool {
    category != Category::PostSaleHelp || buyer_started
}

/// Records the conversation's first response when this sent message is the first answer after
/// the buyer's first message (answers written before the buyer wrote do not count).
async fn note_first_response<E: Exec + ?Sized>(ex: &mut E, m: &Message) -> StoreResult<()> {
    ex.execute(
        "UPDATE conversations SET first_response_at = $2, first_responder_id = $3
         WHERE id = $1 AND first_response_at IS NULL
           AND (first_inbound_at IS NULL OR first_inbound_at <= $2)",
        args![
            m.conversation_id,
            m.sent_at.unwrap_or(m.created_at),
            m.author_person_id
        ],
    )
    .await?;
    Ok(())
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
                             updated_at = $8, order_id = $9, pack_id = $10, claim_id = $11,
                             buyer_started = $12, blocked_reason = $13,
                             first_inbound_at = COALESCE(first_inbound_at, $14)
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
                            c.now,
                            merged.order_id,
                            merged.pack_id,
                            merged.claim_id,
                            merged.buyer_started,
                            merged.blocked_reason,
                            awaits_answer(c.category, merged.buyer_started)
                                .then_some(merged.last_inbound_at)
                        ],
                    )
                    .await?
                }
                None => {
                    let sql = format!(
                        "INSERT INTO conversations (org_id, seller_id, category, meli_ref,
                             status, meli_status, buyer_id, item_id, reply_locked,
                             last_inbound_at, created_at, updated_at, first_inbound_at, module,
                             assigned_team_id, assigned_person_id, order_id, pack_id, claim_id,
                             buyer_started, blocked_reason)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $20, $12,
                             $13, $14, $15, $16, $17, $18, $19)
                         ON CONFLICT (seller_id, category, meli_ref) DO NOTHING
                         RETURNING {RETURNING_CONV_COLS}"
                    );
                    let route = c.context.route.unwrap_or(Route::default_for(c.category));
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
                            c.now,
                            route.module().as_str(),
                            route.team(),
                            route.person(),
                            c.context.order_id,
                            c.context.pack_id,
                            c.context.claim_id,
                            c.context.buyer_started,
                            c.context.blocked_reason.as_deref(),
                            awaits_answer(c.category, c.context.buyer_started)
                                .then_some(c.last_inbound_at)
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
            if inserted.direction == Direction::Outbound
                && inserted.delivery == DeliveryStatus::Sent
            {
                note_first_response(&mut tx, &inserted).await?;
            }
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
        let mut eq = |column: &str, value: Value| {
            args.push(value);
            sql.push_str(&format!(" AND c.{column} = ${}", args.len()));
        };
        if let Some(seller) = f.seller_id {
            eq("seller_id", seller.into());
        }
        if let Some(buyer) = f.buyer_id {
            eq("buyer_id", buyer.into());
        }
        if let Some(category) = f.category {
            eq("category", category.as_str().into());
        }
        if let Some(status) = f.status {
            eq("status", status.as_str().into());
        }
        if let Some(module) = f.module {
            eq("module", module.as_str().into());
        }
        match f.assignee {
            Some(Assignee::Team(team)) => eq("assigned_team_id", team.into()),
            Some(Assignee::Person(person)) => eq("assigned_person_id", person.into()),
            Some(Assignee::Nobody) | None => {}
        }
        if f.assignee == Some(Assignee::Nobody) {
            sql.push_str(" AND c.assigned_team_id IS NULL AND c.assigned_person_id IS NULL");
        }
        if let Some(before) = f.waiting_since_before {
            args.push(before.into());
            sql.push_str(&format!(" AND c.last_inbound_at <= ${}", args.len()));
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
        self.read_as(&sql, args![id, org], conversation).await
    }

    async fn conversation(&self, id: ConversationId) -> StoreResult<Option<Conversation>> {
        let sql = format!("SELECT {CONV_COLS} FROM conversations c WHERE c.id = $1");
        self.read_as(&sql, args![id], conversation).await
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
        self.read_as(
            &sql,
            args![seller, category.as_str(), meli_ref],
            conversation,
        )
        .await
    }

    async fn messages(&self, conversation: ConversationId) -> StoreResult<Vec<Message>> {
        let sql = format!(
            "SELECT {MSG_COLS} FROM messages WHERE conversation_id = $1 ORDER BY created_at, id"
        );
        self.read_all_as(&sql, args![conversation], message).await
    }

    async fn message(&self, id: MessageId) -> StoreResult<Option<Message>> {
        let sql = format!("SELECT {MSG_COLS} FROM messages WHERE id = $1");
        self.read_as(&sql, args![id], message).await
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
        let mut tx = self.begin().await?;
        let sql = format!(
            "UPDATE messages SET delivery = 'sent', sent_at = $2, error = NULL, updated_at = $3
             WHERE id = $1 RETURNING {MSG_COLS}"
        );
        let Some(row) = tx
            .fetch_optional(&sql, args![id, sent_at, Utc::now()])
            .await?
        else {
            return Err(StoreError::NotFound(format!("message {id}")));
        };
        note_first_response(&mut tx, &message(&row)?).await?;
        tx.commit().await
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

    async fn assign(
        &self,
        org: OrgId,
        id: ConversationId,
        module: Module,
        team: Option<TeamId>,
        person: Option<PersonId>,
    ) -> StoreResult<Conversation> {
        let mut tx = self.begin().await?;
        if let Some(team) = team {
            tx.fetch_optional(
                "SELECT id FROM teams WHERE id = $1 AND org_id = $2",
                args![team, org],
            )
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("team {team}")))?;
        }
        if let Some(person) = person {
            tx.fetch_optional(
                "SELECT id FROM people WHERE id = $1 AND org_id = $2",
                args![person, org],
            )
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("person {person}")))?;
        }
        let sql = format!(
            "UPDATE conversations SET module = $3, assigned_team_id = $4, assigned_person_id = $5,
                 updated_at = $6
             WHERE id = $1 AND org_id = $2
             RETURNING {RETURNING_CONV_COLS}"
        );
        let row = tx
            .fetch_optional(
                &sql,
                args![id, org, module.as_str(), team, person, Utc::now()],
            )
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("conversation {id}")))?;
        let assigned = conversation(&row)?;
        tx.commit().await?;
        Ok(assigned)
    }

    async fn set_org_conversation_status(
        &self,
        org: OrgId,
        id: ConversationId,
        status: ConversationStatus,
    ) -> StoreResult<()> {
        let done = self
            .write_count(
                "UPDATE conversations SET status = $3, updated_at = $4
                 WHERE id = $1 AND org_id = $2",
                args![id, org, status.as_str(), Utc::now()],
            )
            .await?;
        expect_row(done, || format!("conversation {id}"))
    }

    async fn set_message_moderation(
        &self,
        id: MessageId,
        status: Option<&str>,
        reason: Option<&str>,
    ) -> StoreResult<()> {
        let done = self
            .write_count(
                "UPDATE messages SET moderation_status = $2, moderation_reason = $3,
                     updated_at = $4
                 WHERE id = $1",
                args![id, status, reason, Utc::now()],
            )
            .await?;
        expect_row(done, || format!("message {id}"))
    }

    async fn queue_reply(
        &self,
        org: OrgId,
        conversation: ConversationId,
        message: NewMessage,
        job: NewJob,
    ) -> StoreResult<(Message, JobId)> {
        let mut tx = self.begin().await?;
        tx.fetch_optional(
            "SELECT id FROM conversations WHERE id = $1 AND org_id = $2",
            args![conversation, org],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("conversation {conversation}")))?;
        let stored = insert_message(&mut tx, conversation, &message)
            .await?
            .ok_or_else(|| StoreError::Conflict("duplicate_message".to_string()))?;
        let job = NewJob {
            payload: with_message_id(job.payload, stored.id),
            ..job
        };
        let job_id = enqueue_on(&mut tx, &job)
            .await?
            .ok_or_else(|| StoreError::Conflict("duplicate_job".to_string()))?;
        tx.commit().await?;
        Ok((stored, job_id))
    }

    async fn set_message_ref(&self, id: MessageId, meli_ref: &str) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let Some(row) = tx
            .fetch_optional(
                "SELECT conversation_id FROM messages WHERE id = $1",
                args![id],
            )
            .await?
        else {
            return Err(StoreError::NotFound(format!("message {id}")));
        };
        let conversation = row.i64("conversation_id")?;
        tx.execute(
            "DELETE FROM messages WHERE conversation_id = $1 AND meli_ref = $2 AND id <> $3",
            args![conversation, meli_ref, id],
        )
        .await?;
        tx.execute(
            "UPDATE messages SET meli_ref = $2, updated_at = $3 WHERE id = $1",
            args![id, meli_ref, Utc::now()],
        )
        .await?;
        tx.commit().await
    }

    async fn set_action_guide(
        &self,
        id: ConversationId,
        guide: &serde_json::Value,
    ) -> StoreResult<()> {
        let done = self
            .write_count(
                "UPDATE conversations SET action_guide = $2, updated_at = $3 WHERE id = $1",
                args![id, guide, Utc::now()],
            )
            .await?;
        expect_row(done, || format!("conversation {id}"))
    }

    async fn action_guide(&self, id: ConversationId) -> StoreResult<Option<serde_json::Value>> {
        match self
            .read_optional(
                "SELECT action_guide FROM conversations WHERE id = $1",
                args![id],
            )
            .await?
        {
            Some(row) => row.opt_json("action_guide"),
            None => Ok(None),
        }
    }

    async fn answer_samples(&self, org: OrgId) -> StoreResult<Vec<AnswerSample>> {
        self.read(
            "SELECT seller_id, category, first_responder_id, first_inbound_at, first_response_at
             FROM conversations
             WHERE org_id = $1 AND first_response_at IS NOT NULL AND first_inbound_at IS NOT NULL",
            args![org],
        )
        .await?
        .iter()
        .map(|row| {
            let asked = row.time("first_inbound_at")?;
            let answered = row.time("first_response_at")?;
            Ok(AnswerSample {
                seller_id: SellerId(row.i64("seller_id")?),
                category: row.word("category", Category::parse)?,
                responder: row.opt_i64("first_responder_id")?.map(PersonId),
                secs: (answered - asked).num_seconds().max(0),
            })
        })
        .collect()
    }
}
