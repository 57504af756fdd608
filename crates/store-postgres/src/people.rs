//! Agents and their login sessions.

use crate::PgStore;
use crate::codec::{conflict_as, db_err, get, word};
use chrono::{DateTime, Utc};
use domain::{Person, PersonId, Role};
use sqlx::postgres::PgRow;
use store::support::email_key;
use store::{NewPerson, StoreResult};

fn person_from_row(row: &PgRow) -> StoreResult<Person> {
    Ok(Person {
        id: PersonId(get(row, "id")?),
        email: get(row, "email")?,
        name: get(row, "name")?,
        role: word(row, "role", Role::parse)?,
        password_hash: get(row, "password_hash")?,
    })
}

pub(crate) async fn create_person(s: &PgStore, new: NewPerson) -> StoreResult<Person> {
    let row = sqlx::query(
        "INSERT INTO people (email, email_key, name, role, password_hash)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING id, email, name, role, password_hash",
    )
    .bind(&new.email)
    .bind(email_key(&new.email))
    .bind(&new.name)
    .bind(new.role.as_str())
    .bind(&new.password_hash)
    .fetch_one(&s.pool)
    .await
    .map_err(conflict_as("email_taken"))?;
    person_from_row(&row)
}

pub(crate) async fn person_by_email(s: &PgStore, email: &str) -> StoreResult<Option<Person>> {
    sqlx::query("SELECT id, email, name, role, password_hash FROM people WHERE email_key = $1")
        .bind(email_key(email))
        .fetch_optional(&s.pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(person_from_row)
        .transpose()
}

pub(crate) async fn person(s: &PgStore, id: PersonId) -> StoreResult<Option<Person>> {
    sqlx::query("SELECT id, email, name, role, password_hash FROM people WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&s.pool)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(person_from_row)
        .transpose()
}

pub(crate) async fn count_people(s: &PgStore) -> StoreResult<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(&s.pool)
        .await
        .map_err(db_err)
}

pub(crate) async fn create_session(
    s: &PgStore,
    token_hash: &str,
    person: PersonId,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO sessions (token_hash, person_id, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash)
        .bind(person.0)
        .bind(expires_at)
        .execute(&s.pool)
        .await
        .map_err(conflict_as("session_exists"))?;
    Ok(())
}

pub(crate) async fn session_person(
    s: &PgStore,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<Person>> {
    sqlx::query(
        "SELECT p.id, p.email, p.name, p.role, p.password_hash
         FROM sessions s JOIN people p ON p.id = s.person_id
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&s.pool)
    .await
    .map_err(db_err)?
    .as_ref()
    .map(person_from_row)
    .transpose()
}

pub(crate) async fn delete_session(s: &PgStore, token_hash: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&s.pool)
        .await
        .map_err(db_err)?;
    Ok(())
}
