//! Groups, departments, their members, and each store's routing.

use super::people::conflict_as;
use super::{Driver, Exec, Tx};
use crate::support::{expect_row, name_key};
use crate::{StoreError, StoreResult, TeamStore, args};
use async_trait::async_trait;
use chrono::Utc;
use domain::routing::{Route, Team, TeamKind};
use domain::*;

/// Every member id of the given team ids, in one query.
async fn teams_with_members<D: Driver>(d: &D, org: OrgId) -> StoreResult<Vec<Team>> {
    let rows = d
        .read(
            "SELECT t.id, t.kind, t.name, m.person_id FROM teams t
             LEFT JOIN team_members m ON m.team_id = t.id
             WHERE t.org_id = $1
             ORDER BY t.kind, t.name_key, t.id, m.person_id",
            args![org],
        )
        .await?;
    let mut teams: Vec<Team> = Vec::new();
    for row in &rows {
        let id = TeamId(row.i64("id")?);
        if teams.last().is_none_or(|t| t.id != id) {
            teams.push(Team {
                id,
                kind: row.word("kind", TeamKind::parse)?,
                name: row.text("name")?,
                members: Vec::new(),
            });
        }
        if let (Some(person), Some(team)) = (row.opt_i64("person_id")?, teams.last_mut()) {
            team.members.push(PersonId(person));
        }
    }
    Ok(teams)
}

#[async_trait]
impl<D: Driver> TeamStore for D {
    async fn create_team(&self, org: OrgId, kind: TeamKind, name: &str) -> StoreResult<Team> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Conflict("team_name_empty".into()));
        }
        let row = self
            .write_one(
                "INSERT INTO teams (org_id, kind, name, name_key, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                args![org, kind.as_str(), name, name_key(name), Utc::now()],
            )
            .await
            .map_err(conflict_as("team_name_taken"))?;
        Ok(Team {
            id: TeamId(row.i64("id")?),
            kind,
            name: name.to_string(),
            members: Vec::new(),
        })
    }

    async fn org_teams(&self, org: OrgId) -> StoreResult<Vec<Team>> {
        teams_with_members(self, org).await
    }

    async fn set_team_members(
        &self,
        org: OrgId,
        team: TeamId,
        members: &[PersonId],
    ) -> StoreResult<Team> {
        let mut tx = self.begin().await?;
        let found = tx
            .fetch_optional(
                "SELECT id FROM teams WHERE id = $1 AND org_id = $2",
                args![team, org],
            )
            .await?;
        if found.is_none() {
            return Err(StoreError::NotFound(format!("team {team}")));
        }
        tx.execute("DELETE FROM team_members WHERE team_id = $1", args![team])
            .await?;
        let now = Utc::now();
        let unique: std::collections::BTreeSet<PersonId> = members.iter().copied().collect();
        for person in unique {
            // Only the organization's people: the SELECT finds nobody for anyone else's.
            let added = tx
                .execute(
                    "INSERT INTO team_members (team_id, person_id, created_at, updated_at)
                     SELECT $1, p.id, $3, $3 FROM people p WHERE p.id = $2 AND p.org_id = $4
                     ON CONFLICT DO NOTHING",
                    args![team, person, now, org],
                )
                .await?;
            if added == 0 {
                return Err(StoreError::NotFound(format!("person {person}")));
            }
        }
        tx.commit().await?;
        teams_with_members(self, org)
            .await?
            .into_iter()
            .find(|t| t.id == team)
            .ok_or_else(|| StoreError::NotFound(format!("team {team}")))
    }

    async fn delete_team(&self, org: OrgId, team: TeamId) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let gone = tx
            .execute(
                "DELETE FROM teams WHERE id = $1 AND org_id = $2",
                args![team, org],
            )
            .await?;
        expect_row(gone, || format!("team {team}"))?;
        // What pointed at the team falls back to its module's unassigned queue.
        tx.execute(
            "UPDATE routes SET kind = CASE WHEN kind = 'commercial_group' THEN 'commercial'
                 ELSE 'support' END, team_id = NULL, updated_at = $2
             WHERE team_id = $1",
            args![team, Utc::now()],
        )
        .await?;
        tx.execute(
            "UPDATE conversations SET assigned_team_id = NULL, updated_at = $2
             WHERE assigned_team_id = $1",
            args![team, Utc::now()],
        )
        .await?;
        tx.commit().await
    }

    async fn set_route(
        &self,
        org: OrgId,
        seller: SellerId,
        category: Category,
        route: Route,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        let store = tx
            .fetch_optional(
                "SELECT seller_id FROM connections WHERE seller_id = $1 AND org_id = $2",
                args![seller, org],
            )
            .await?;
        if store.is_none() {
            return Err(StoreError::NotFound(format!("store {seller}")));
        }
        if let Some(team) = route.team() {
            let kind = tx
                .fetch_optional(
                    "SELECT kind FROM teams WHERE id = $1 AND org_id = $2",
                    args![team, org],
                )
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("team {team}")))?
                .word("kind", TeamKind::parse)?;
            let wanted = match route {
                Route::CommercialGroup { .. } => TeamKind::Group,
                _ => TeamKind::Department,
            };
            if kind != wanted {
                return Err(StoreError::Conflict("wrong_team_kind".into()));
            }
        }
        if let Some(person) = route.person() {
            tx.fetch_optional(
                "SELECT id FROM people WHERE id = $1 AND org_id = $2",
                args![person, org],
            )
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("person {person}")))?;
        }
        tx.execute(
            "INSERT INTO routes (seller_id, category, org_id, kind, team_id, person_id,
                 created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
             ON CONFLICT (seller_id, category) DO UPDATE SET
                 org_id = excluded.org_id, kind = excluded.kind, team_id = excluded.team_id,
                 person_id = excluded.person_id, updated_at = excluded.updated_at",
            args![
                seller,
                category.as_str(),
                org,
                route.kind(),
                route.team(),
                route.person(),
                Utc::now()
            ],
        )
        .await?;
        tx.commit().await
    }

    async fn org_routes(&self, org: OrgId) -> StoreResult<Vec<(SellerId, Category, Route)>> {
        self.read(
            "SELECT seller_id, category, kind, team_id, person_id FROM routes
             WHERE org_id = $1 ORDER BY seller_id, category",
            args![org],
        )
        .await?
        .iter()
        .map(|row| {
            let kind = row.text("kind")?;
            let route = Route::from_parts(
                &kind,
                row.opt_i64("team_id")?.map(TeamId),
                row.opt_i64("person_id")?.map(PersonId),
            )
            .ok_or_else(|| StoreError::Corrupt(format!("unknown route {kind:?}")))?;
            Ok((
                SellerId(row.i64("seller_id")?),
                row.word("category", Category::parse)?,
                route,
            ))
        })
        .collect()
    }

    async fn route(&self, seller: SellerId, category: Category) -> StoreResult<Option<Route>> {
        let Some(row) = self
            .read_optional(
                "SELECT kind, team_id, person_id FROM routes
                 WHERE seller_id = $1 AND category = $2",
                args![seller, category.as_str()],
            )
            .await?
        else {
            return Ok(None);
        };
        let kind = row.text("kind")?;
        Route::from_parts(
            &kind,
            row.opt_i64("team_id")?.map(TeamId),
            row.opt_i64("person_id")?.map(PersonId),
        )
        .map(Some)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown route {kind:?}")))
    }
}
