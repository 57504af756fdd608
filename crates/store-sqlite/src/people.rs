//! Agents and their login sessions.

use crate::SqliteStore;
use crate::codec::{conflict_as, db_err, get, now, ts, word};
use chrono::{DateTime, Utc};
use domain::{Person, PersonId, Role};
use sqlx::sqlite::SqliteRow;
use store::support::email_key;
use store::{NewPerson, StoreResult};

const PERSON_COLS: &str = "p.id, p.email, p.name, p.role, p.password_hash";

fn person_from_row(row: &SqliteRow) -> StoreResult<Person> {
    Ok(Person {
        id: PersonId(get(row, "id")?),
        email: get(row, "email")?,
        name: get(row, "name")?,
        role: word(row, "role", Role::parse)?,
        password_hash: get(row, "password_hash")?,
    })
}

pub(crate) async fn create_person(s: &SqliteStore, new: NewPerson) -> StoreResult<Person> {
    let now = now();
    let row = sqlx::query(
        "INSERT INTO people (email, email_key, name, role, password_hash, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         RETURNING id, email, name, role, password_hash",
    )
    .bind(&new.email)
    .bind(email_key(&new.email))
    .bind(&new.name)
    .bind(new.role.as_str())
    .bind(&new.password_hash)
    .bind(&now)
    .fetch_one(&s.writer)
    .await
    .map_err(conflict_as("email_taken"))?;
    person_from_row(&row)
}

pub(crate) async fn person_by_email(s: &SqliteStore, email: &str) -> StoreResult<Option<Person>> {
    let sql = format!("SELECT {PERSON_COLS} FROM people p WHERE p.email_key = ?1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(email_key(email))
        .fetch_optional(&s.reader)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(person_from_row)
        .transpose()
}

pub(crate) async fn person(s: &SqliteStore, id: PersonId) -> StoreResult<Option<Person>> {
    let sql = format!("SELECT {PERSON_COLS} FROM people p WHERE p.id = ?1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&s.reader)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(person_from_row)
        .transpose()
}

pub(crate) async fn count_people(s: &SqliteStore) -> StoreResult<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(&s.reader)
        .await
        .map_err(db_err)
}

pub(crate) async fn create_session(
    s: &SqliteStore,
    token_hash: &str,
    person: PersonId,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    let now = now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, person_id, expires_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )
    .bind(token_hash)
    .bind(person.0)
    .bind(ts(expires_at))
    .bind(&now)
    .execute(&s.writer)
    .await
    .map_err(conflict_as("session_exists"))?;
    Ok(())
}

pub(crate) async fn session_person(
    s: &SqliteStore,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<Person>> {
    let sql = format!(
        "SELECT {PERSON_COLS} FROM sessions s JOIN people p ON p.id = s.person_id
         WHERE s.token_hash = ?1 AND s.expires_at > ?2"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(token_hash)
        .bind(ts(now))
        .fetch_optional(&s.reader)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(person_from_row)
        .transpose()
}

pub(crate) async fn delete_session(s: &SqliteStore, token_hash: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = ?1")
        .bind(token_hash)
        .execute(&s.writer)
        .await
        .map_err(db_err)?;
    Ok(())
}
