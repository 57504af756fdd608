//! How sqlx errors become [`StoreError`]s: the same rules for every sqlx-based backend.

use crate::StoreError;
use sqlx::error::ErrorKind;

pub fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) => match d.kind() {
            ErrorKind::UniqueViolation => StoreError::Conflict(d.message().to_string()),
            ErrorKind::ForeignKeyViolation => {
                StoreError::NotFound(format!("referenced row missing: {}", d.message()))
            }
            _ => StoreError::Backend(e.to_string()),
        },
        sqlx::Error::RowNotFound => StoreError::NotFound("row".to_string()),
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::TypeNotFound { .. } => StoreError::Corrupt(e.to_string()),
        _ => StoreError::Backend(e.to_string()),
    }
}
