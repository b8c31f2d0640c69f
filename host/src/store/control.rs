//! Interchange control numbers (ISA13/GS06/ST02, UNB/UNH references, IDoc DOCNUM, cXML
//! payloadID), one counter per outbound agreement, allocated inside the transaction that
//! records their use: a number is taken only if the outbox entry carrying it is committed, so
//! numbers never repeat and rise in commit order, across restarts and processes.
//!
//! X12's ISA13 has nine digits, the narrowest of the standards, so every counter wraps from
//! 999,999,999 back to 1 (and counts its wraps) rather than overflow the field.

use sqlx::Row;

use super::StoreError;
use super::writer::Tx;

/// The largest control number before the counter wraps to 1.
pub const MAX_CONTROL_NUMBER: i64 = 999_999_999;

/// The next control number of `agreement`, taken in `tx`.
pub(crate) async fn allocate(tx: &mut Tx, agreement: &str) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO control_numbers (agreement, last, wraps) VALUES ($1, 1, 0) \
         ON CONFLICT (agreement) DO UPDATE SET \
           last = CASE WHEN control_numbers.last >= $2 THEN 1 ELSE control_numbers.last + 1 END, \
           wraps = CASE WHEN control_numbers.last >= $2 THEN control_numbers.wraps + 1 \
                   ELSE control_numbers.wraps END \
         RETURNING last",
    )
    .bind(agreement)
    .bind(MAX_CONTROL_NUMBER)
    .fetch_one(&mut **tx)
    .await?;
    Ok(row.try_get(0)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::{TestDb, on_both};
    use crate::store::writer::{Batch, OpFuture, WriteOp};

    struct Take(&'static str, usize);

    impl WriteOp for Take {
        type Output = Vec<i64>;
        fn apply<'a>(&'a mut self, batch: Batch<'a>) -> OpFuture<'a, Vec<i64>> {
            Box::pin(async move {
                let mut taken = Vec::new();
                for _ in 0..self.1 {
                    taken.push(allocate(batch.tx, self.0).await?);
                }
                Ok(taken)
            })
        }
    }

    struct SetLast(&'static str, i64);

    impl WriteOp for SetLast {
        type Output = ();
        fn apply<'a>(&'a mut self, batch: Batch<'a>) -> OpFuture<'a, ()> {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO control_numbers (agreement, last, wraps) VALUES ($1, $2, 0)",
                )
                .bind(self.0)
                .bind(self.1)
                .execute(&mut **batch.tx)
                .await?;
                Ok(())
            })
        }
    }

    on_both!(
        numbers_rise_per_agreement_and_survive_a_reopen,
        the_nine_digit_counter_wraps_to_one,
    );

    async fn numbers_rise_per_agreement_and_survive_a_reopen(db: &TestDb) {
        let store = db.open().await;
        assert_eq!(store.write(Take("a", 3)).await.unwrap(), [1, 2, 3]);
        assert_eq!(store.write(Take("b", 1)).await.unwrap(), [1]);
        store.close().await;
        let store = db.open().await;
        assert_eq!(store.write(Take("a", 2)).await.unwrap(), [4, 5]);
    }

    async fn the_nine_digit_counter_wraps_to_one(db: &TestDb) {
        let store = db.open().await;
        store
            .write(SetLast("x12-out", MAX_CONTROL_NUMBER - 1))
            .await
            .unwrap();
        assert_eq!(
            store.write(Take("x12-out", 3)).await.unwrap(),
            [MAX_CONTROL_NUMBER, 1, 2]
        );
    }
}
