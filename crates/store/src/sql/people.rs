//! Organizations, people and sessions.

use super::{Driver, ReadAs, Row};
use crate::support::{email_key, name_key};
use crate::{Health, NewPerson, PeopleStore, StoreError, StoreResult, args};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{OrgId, Organization, Person, PersonId, Role};

const PERSON_COLS: &str = "p.id, p.org_id, p.email, p.name, p.role, p.password_hash, p.language";

fn person(row: &Row) -> StoreResult<Person> {
    Ok(Person {
        id: PersonId(row.i64("id")?),
        org_id: row.org("org_id")?,
        email: row.text("email")?,
        name: row.text("name")?,
        role: row.word("role", Role::parse)?,
        password_hash: row.text("password_hash")?,
        language: row.opt_text("language")?,
    })
}

fn organization(row: &Row) -> StoreResult<Organization> {
    Ok(Organization {
        id: row.org("id")?,
        name: row.text("name")?,
    })
}

/// A unique violation becomes the named business conflict; anything else passes through.
pub(crate) fn conflict_as(code: &'static str) -> impl Fn(StoreError) -> StoreError {
    move |e| match e {
        StoreError::Conflict(_) => StoreError::Conflict(code.to_string()),
        other => other,
    }
}

#[async_trait]
impl<D: Driver> Health for D {
    fn backend(&self) -> &'static str {
        self.dialect().name()
    }

    async fn ping(&self) -> StoreResult<()> {
        self.read("SELECT 1 AS one", args![]).await.map(|_| ())
    }
}

#[async_trait]
impl<D: Driver> PeopleStore for D {
    async fn create_org(&self, name: &str) -> StoreResult<Organization> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Conflict("org_name_empty".into()));
        }
        let now = Utc::now();
        let row = self
            .write_one(
                "INSERT INTO organizations (id, name, name_key, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $4) RETURNING id, name",
                args![OrgId::new(), name, name_key(name), now],
            )
            .await
            .map_err(conflict_as("org_name_taken"))?;
        organization(&row)
    }

    async fn org(&self, id: OrgId) -> StoreResult<Option<Organization>> {
        self.read_as(
            "SELECT id, name FROM organizations WHERE id = $1",
            args![id],
            organization,
        )
        .await
    }

    async fn org_by_name(&self, name: &str) -> StoreResult<Option<Organization>> {
        self.read_as(
            "SELECT id, name FROM organizations WHERE name_key = $1",
            args![name_key(name)],
            organization,
        )
        .await
    }

    async fn create_person(&self, new: NewPerson) -> StoreResult<Person> {
        if self.org(new.org_id).await?.is_none() {
            return Err(StoreError::NotFound(format!("organization {}", new.org_id)));
        }
        let now = Utc::now();
        let row = self
            .write_one(
                "INSERT INTO people (org_id, email, email_key, name, role, password_hash, language,
                     created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
                 RETURNING id, org_id, email, name, role, password_hash, language",
                args![
                    new.org_id,
                    &new.email,
                    email_key(&new.email),
                    &new.name,
                    new.role.as_str(),
                    &new.password_hash,
                    new.language.as_deref(),
                    now,
                ],
            )
            .await
            .map_err(conflict_as("email_taken"))?;
        person(&row)
    }

    async fn person_by_email(&self, email: &str) -> StoreResult<Option<Person>> {
        let sql = format!("SELECT {PERSON_COLS} FROM people p WHERE p.email_key = $1");
        self.read_as(&sql, args![email_key(email)], person).await
    }

    async fn person(&self, id: PersonId) -> StoreResult<Option<Person>> {
        let sql = format!("SELECT {PERSON_COLS} FROM people p WHERE p.id = $1");
        self.read_as(&sql, args![id], person).await
    }

    async fn org_people(&self, org: OrgId) -> StoreResult<Vec<Person>> {
        let sql =
            format!("SELECT {PERSON_COLS} FROM people p WHERE p.org_id = $1 ORDER BY p.name, p.id");
        self.read_all_as(&sql, args![org], person).await
    }

    async fn count_people(&self) -> StoreResult<i64> {
        self.read_optional("SELECT COUNT(*) AS n FROM people", args![])
            .await?
            .map_or(Ok(0), |row| row.i64("n"))
    }

    async fn set_person_language(
        &self,
        org: OrgId,
        id: PersonId,
        language: Option<&str>,
    ) -> StoreResult<()> {
        let changed = self
            .write_count(
                "UPDATE people SET language = $3, updated_at = $4 WHERE id = $1 AND org_id = $2",
                args![id, org, language, Utc::now()],
            )
            .await?;
        crate::support::expect_row(changed, || format!("person {id}"))
    }

    async fn create_session(
        &self,
        token_hash: &str,
        person: PersonId,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write_count(
            "INSERT INTO sessions (token_hash, person_id, expires_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4)",
            args![token_hash, person, expires_at, Utc::now()],
        )
        .await
        .map_err(conflict_as("session_exists"))?;
        Ok(())
    }

    async fn session_person(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLS} FROM sessions s JOIN people p ON p.id = s.person_id
             WHERE s.token_hash = $1 AND s.expires_at > $2"
        );
        self.read_as(&sql, args![token_hash, now], person).await
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.write_count(
            "DELETE FROM sessions WHERE token_hash = $1",
            args![token_hash],
        )
        .await?;
        Ok(())
    }
}
